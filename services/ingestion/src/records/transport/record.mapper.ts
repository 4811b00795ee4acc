import { ingestion, plainFields } from '@mlops/contracts';
import type { IncomingRecord, RecordSource } from '../domain/incoming-record';
import type { StreamResult } from '../domain/stream-summary';
import type { RecordResult } from '../records.service';

const OUTCOME = {
  accepted: ingestion.RecordOutcome.RECORD_OUTCOME_ACCEPTED,
  duplicate: ingestion.RecordOutcome.RECORD_OUTCOME_DUPLICATE,
  rejected: ingestion.RecordOutcome.RECORD_OUTCOME_REJECTED,
};

/** A protobuf Record (gRPC, or the protobuf form of the Kafka input topic) as an incoming record. */
export function fromProtoRecord(record: ingestion.Record, defaultDataset: string, source: RecordSource, payload?: Buffer): IncomingRecord {
  return {
    source,
    payload: payload ?? Buffer.from(ingestion.Record.encode(record).finish()),
    dataset: record.dataset || defaultDataset,
    recordId: record.recordId || undefined,
    fields: plainFields(record.fields),
  };
}

/** The answer for these results; `totals` (a stream's, when its results were capped) overrides the counts. */
export function toResponse(
  results: readonly StreamResult[],
  totals?: { counts: Record<RecordResult['outcome'], number>; omitted: number },
): ingestion.IngestRecordsResponse {
  const count = (outcome: RecordResult['outcome']) => totals?.counts[outcome] ?? results.filter((r) => r.outcome === outcome).length;
  return {
    results: results.map((r) => ({
      index: r.index,
      recordId: r.recordId,
      outcome: OUTCOME[r.outcome],
      reasonCode: r.rejection?.code ?? '',
      reason: r.rejection?.reason ?? '',
    })),
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    resultsOmitted: totals?.omitted ?? 0,
  };
}

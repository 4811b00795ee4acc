import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { Outbox, OutboxRelay, bucketKey } from '@mlops/messaging';
import { JsonLogger } from '@mlops/observability';
import { idOfToken, idToken, pageFrom, pageSize } from '@mlops/persistence';
import { DatasetsService } from '../datasets/datasets.service';
import type { DatasetSchema } from '../datasets/domain/dataset-schema';
import { VersionsService } from '../versions/versions.service';
import { toProtoFields } from './domain/field-values';
import { type IncomingRecord, sourceLabel } from './domain/incoming-record';
import { type Rejection, isRejection, validateRecord } from './domain/record-validation';
import { RecordsMetrics } from './records.metrics';
import type { RecordOutcome } from './domain/record-outcome';
import { RecordsRepository, type RejectionToStore, type RowToStore, type StoredRejection, storedKey } from './records.repository';

export type { RecordOutcome } from './domain/record-outcome';

export interface RecordResult {
  index: number;
  recordId: string;
  outcome: RecordOutcome;
  rejection?: Rejection;
}

export interface RejectionQuery {
  /** Empty: every dataset's. */
  dataset: string;
  /** Empty: every reason's. */
  reasonCode: string;
  limit: number;
  pageToken: string;
}

/** Records per RecordsAccepted event: keeps each Kafka message well under the 1 MB default. */
const EVENT_CHUNK = 500;

/**
 * The one validation and storage pipeline behind both ways in (Kafka and gRPC). A batch is
 * validated, then its good rows, its rejections and the events announcing both are written in
 * one transaction: a batch is stored entirely or not at all, and a redelivered batch stores
 * nothing twice (rows are keyed by record id, Kafka rejections by topic/partition/offset).
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RecordsRepository,
    private readonly datasets: DatasetsService,
    private readonly versions: VersionsService,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
    private readonly metrics: RecordsMetrics,
  ) {}

  async ingest(records: IncomingRecord[]): Promise<RecordResult[]> {
    const { rows, rejections, results, datasets } = await this.validate(records);
    const stored = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.repository.insertRows(manager, rows.map((r) => r.row));
      // The first row of each inserted id is new; a repeat of it in the same batch is a duplicate.
      const newRows = rows.filter((r) => inserted.delete(storedKey(r.row)));
      await this.repository.addToRecordCounts(manager, countBy(newRows.map((r) => r.row.dataset)));
      const newRejections = await this.repository.insertRejections(manager, rejections);
      // Keyed by dataset and entity bucket: one entity's records keep their order (one partition),
      // while a dataset's stream spreads evenly over the partitions, so feature-store replicas
      // share it (libs/messaging buckets.ts).
      const events: { message: ReturnType<typeof acceptedEvent>; key: string }[] = [];
      for (const [key, group] of groupBy(newRows, (r) => bucketKey(r.row.dataset, r.row.entityKey, r.schema.streamBuckets))) {
        for (let i = 0; i < group.length; i += EVENT_CHUNK) {
          const chunk = group.slice(i, i + EVENT_CHUNK);
          events.push({ message: acceptedEvent(chunk[0]!.row.dataset, chunk), key });
        }
      }
      await this.outbox.enqueueMany(manager, Topics.recordsAccepted, events);
      await this.outbox.enqueueMany(manager, Topics.recordsRejected, newRejections.map((r) => ({ message: rejectedEvent(r), key: r.dataset || 'unknown' })));
      return newRows;
    });
    this.relay.nudge();
    const accepted = new Set(stored);
    for (const r of rows) results[r.index] = { index: r.index, recordId: r.row.recordId, outcome: accepted.has(r) ? 'accepted' : 'duplicate' };
    this.metrics.count(results.map((r) => ({ dataset: datasets[r.index], outcome: r.outcome })));
    // Only datasets that cut a version every N records need a look at their counts.
    const counting = stored.filter((r) => r.schema.versionEveryRecords > 0);
    if (counting.length > 0) await this.versions.afterRecordsStored(countBy(counting.map((r) => r.row.dataset)));
    return results;
  }

  /** A page of rejected records, newest first; the token continues after it. */
  async listRejections(query: RejectionQuery): Promise<{ records: StoredRejection[]; nextPageToken: string }> {
    const limit = pageSize(query.limit, { fallback: 100, max: 1000 });
    const beforeId = idOfToken(query.pageToken);
    const { page, nextPageToken } = pageFrom(await this.repository.listRejections({ dataset: query.dataset, reasonCode: query.reasonCode, beforeId, limit: limit + 1 }), limit, (last) => idToken(last.id));
    return { records: page, nextPageToken };
  }

  private async validate(records: IncomingRecord[]) {
    const rows: { index: number; row: RowToStore; schema: DatasetSchema }[] = [];
    const rejections: RejectionToStore[] = [];
    const results: RecordResult[] = new Array(records.length);
    // The metrics label: the dataset when it is registered, else "" (see RecordsMetrics.count).
    const datasets: string[] = new Array(records.length);
    // A batch is mostly one dataset's: its schema is looked up once per batch, not per record.
    const schemas = new Map<string, DatasetSchema | undefined>();
    for (const [index, record] of records.entries()) {
      let schema: DatasetSchema | undefined;
      if (!record.parseError) {
        if (!schemas.has(record.dataset)) schemas.set(record.dataset, await this.datasets.schemaFor(record.dataset));
        schema = schemas.get(record.dataset);
      }
      const outcome = record.parseError ?? (schema ? validateRecord(schema, record.fields ?? {}, record.recordId) : unknownDataset(record.dataset));
      datasets[index] = schema ? record.dataset : '';
      if (isRejection(outcome)) {
        const source = sourceLabel(record.source);
        rejections.push({ ...outcome, dataset: record.dataset, payload: record.payload, source, sourceKey: record.source.kind === 'kafka' ? source : null });
        results[index] = { index, recordId: '', outcome: 'rejected', rejection: outcome };
        continue;
      }
      const kafka = record.source.kind === 'kafka' ? record.source : undefined;
      rows.push({
        index,
        schema: schema!,
        row: { ...outcome, dataset: record.dataset, schemaVersion: schema!.schemaVersion, kafkaPartition: kafka?.partition ?? null, kafkaOffset: kafka?.offset ?? null },
      });
    }
    if (rejections.length > 0) this.logger.info('records rejected', { count: rejections.length, first: rejections[0].reason });
    return { rows, rejections, results, datasets };
  }
}

function unknownDataset(dataset: string): Rejection {
  return { code: 'UNKNOWN_DATASET', reason: `dataset "${dataset}" is not registered` };
}

function acceptedEvent(dataset: string, rows: { row: RowToStore; schema: DatasetSchema }[]) {
  const times = rows.map((r) => r.row.eventTimeMs);
  return {
    dataset,
    schemaVersion: Math.max(...rows.map((r) => r.schema.schemaVersion)),
    count: rows.length,
    minEventTimeMs: Math.min(...times),
    maxEventTimeMs: Math.max(...times),
    records: rows.map(({ row, schema }) => ({ recordId: row.recordId, entityKey: row.entityKey, eventTimeMs: row.eventTimeMs, fields: toProtoFields(schema, row.fields) })),
  };
}

function rejectedEvent(rejection: RejectionToStore) {
  return {
    dataset: rejection.dataset,
    reasonCode: rejection.code,
    reason: rejection.reason,
    payload: new Uint8Array(rejection.payload),
    source: rejection.source,
    rejectedAtMs: Date.now(),
  };
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { type Observable, concatMap, from, lastValueFrom, reduce } from 'rxjs';
import { ingestion } from '@mlops/contracts';
import { resourceExhausted } from '@mlops/errors';
import { RecordsService, type RecordResult } from '../records.service';
import { fromProtoRecord, toResponse } from './record.mapper';

/** Records per request (and per message of a stream). Larger batches: split them or stream. */
export const MAX_RECORDS_PER_REQUEST = 10_000;

@Controller()
export class RecordsGrpcController {
  constructor(private readonly records: RecordsService) {}

  @GrpcMethod('IngestionService', 'IngestRecords')
  async ingestRecords(request: ingestion.IngestRecordsRequest): Promise<ingestion.IngestRecordsResponse> {
    return toResponse(await this.ingestBatch(request));
  }

  /** Each message of the stream is stored as it arrives; the response covers the whole stream. */
  @GrpcStreamMethod('IngestionService', 'StreamRecords')
  async streamRecords(requests: Observable<ingestion.IngestRecordsRequest>): Promise<ingestion.IngestRecordsResponse> {
    const results = await lastValueFrom(
      requests.pipe(
        concatMap((request) => from(this.ingestBatch(request))),
        reduce((all: RecordResult[], batch) => {
          for (const r of batch) all.push({ ...r, index: all.length });
          return all;
        }, []),
      ),
      { defaultValue: [] },
    );
    return toResponse(results);
  }

  @GrpcMethod('IngestionService', 'ListRejectedRecords')
  async listRejectedRecords(request: ingestion.ListRejectedRecordsRequest): Promise<ingestion.ListRejectedRecordsResponse> {
    const rows = await this.records.listRejections(request.dataset, request.reasonCode, request.limit);
    return {
      records: rows.map((r) => ({
        dataset: r.dataset,
        reasonCode: r.code,
        reason: r.reason,
        payload: new Uint8Array(r.payload),
        source: r.source,
        rejectedAtMs: r.rejectedAt.getTime(),
      })),
    };
  }

  private async ingestBatch(request: ingestion.IngestRecordsRequest): Promise<RecordResult[]> {
    const records = request.records ?? [];
    if (records.length > MAX_RECORDS_PER_REQUEST) {
      throw resourceExhausted(`${records.length} records in one request; at most ${MAX_RECORDS_PER_REQUEST} (split the batch or use StreamRecords)`);
    }
    return this.records.ingest(records.map((record) => fromProtoRecord(record, request.dataset, { kind: 'grpc' })));
  }
}

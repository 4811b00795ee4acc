import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import type { ServerReadableStream, ServiceError, sendUnaryData } from '@grpc/grpc-js';
import { ingestion } from '@mlops/contracts';
import { resourceExhausted } from '@mlops/errors';
import { toGrpcStatusError } from '@mlops/nest-platform';
import { RecordsService, type RecordResult } from '../records.service';
import { StreamSummary } from '../domain/stream-summary';
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

  /**
   * Each message of the stream is stored as it arrives; the response covers the whole stream.
   * The raw call is read as a Node stream (it buffers), so no message sent before the handler
   * starts reading is lost.
   */
  @GrpcStreamCall('IngestionService', 'StreamRecords')
  async streamRecords(
    call: ServerReadableStream<ingestion.IngestRecordsRequest, ingestion.IngestRecordsResponse>,
    callback: sendUnaryData<ingestion.IngestRecordsResponse>,
  ): Promise<void> {
    try {
      // Bounded however long the stream: counts of everything, results capped (StreamSummary).
      const summary = new StreamSummary();
      for await (const request of call) summary.add(await this.ingestBatch(request));
      callback(null, toResponse(summary.results, summary));
    } catch (error) {
      callback(toGrpcStatusError(error) as ServiceError);
    }
  }

  @GrpcMethod('IngestionService', 'ListRejectedRecords')
  async listRejectedRecords(request: ingestion.ListRejectedRecordsRequest): Promise<ingestion.ListRejectedRecordsResponse> {
    const { records, nextPageToken } = await this.records.listRejections({ dataset: request.dataset, reasonCode: request.reasonCode, limit: request.limit, pageToken: request.pageToken });
    return {
      records: records.map((r) => ({
        dataset: r.dataset,
        reasonCode: r.code,
        reason: r.reason,
        payload: new Uint8Array(r.payload),
        source: r.source,
        rejectedAtMs: r.rejectedAt.getTime(),
      })),
      nextPageToken,
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

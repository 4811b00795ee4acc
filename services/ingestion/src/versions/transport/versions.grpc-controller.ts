import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { ingestion } from '@mlops/contracts';
import { failedPrecondition, invalidArgument } from '@mlops/errors';
import { streamToCall } from '@mlops/nest-platform';
import { DatasetsService } from '../../datasets/datasets.service';
import { toProtoFields } from '../../records/domain/field-values';
import type { FieldValue } from '../../records/domain/record-validation';
import type { DatasetVersionRow } from '../versions.repository';
import { VersionsService } from '../versions.service';

@Controller()
export class VersionsGrpcController {
  constructor(
    private readonly versions: VersionsService,
    private readonly datasets: DatasetsService,
  ) {}

  @GrpcMethod('IngestionService', 'CreateDatasetVersion')
  async createDatasetVersion(request: ingestion.CreateDatasetVersionRequest): Promise<ingestion.DatasetVersion> {
    const created = await this.versions.create(request.dataset, request.name, 'request');
    if (!created) throw failedPrecondition(`dataset "${request.dataset}" could not be cut`);
    return toMessage(created);
  }

  @GrpcMethod('IngestionService', 'GetDatasetVersion')
  async getDatasetVersion(request: ingestion.GetDatasetVersionRequest): Promise<ingestion.DatasetVersion> {
    return toMessage(await this.versions.get(request.dataset, request.version));
  }

  @GrpcMethod('IngestionService', 'ListDatasetVersions')
  async listDatasetVersions(request: ingestion.ListDatasetVersionsRequest): Promise<ingestion.ListDatasetVersionsResponse> {
    const { versions, nextPageToken } = await this.versions.list(request.dataset, request.limit, request.pageToken);
    return { versions: versions.map(toMessage), nextPageToken };
  }

  /** Server streaming: one message per record, in record-id order, typed by the current schema
   * (schemas only ever add nullable columns, so it covers every older record). */
  @GrpcMethod('IngestionService', 'ReadDatasetVersion')
  readDatasetVersion(request: ingestion.ReadDatasetVersionRequest, _metadata: Metadata, call: ServerWritableStream<unknown, ingestion.Record>): Observable<ingestion.Record> {
    // Pulled as the caller reads (a slow reader does not make the service hold the version).
    return streamToCall(call, this.typedRecords(request.dataset, request.version));
  }

  /** The same records many to a message (batch_size, or until the string values pass 1 MiB): a whole-version reader's call. */
  @GrpcMethod('IngestionService', 'ReadDatasetVersionBatches')
  readDatasetVersionBatches(request: ingestion.ReadDatasetVersionRequest, _metadata: Metadata, call: ServerWritableStream<unknown, ingestion.RecordBatch>): Observable<ingestion.RecordBatch> {
    return streamToCall(call, batches(() => this.typedRecords(request.dataset, request.version), request.batchSize));
  }

  private async *typedRecords(dataset: string, version: number): AsyncGenerator<ingestion.Record> {
    const { schema } = await this.datasets.get(dataset);
    for await (const row of this.versions.read(dataset, version)) {
      yield { dataset, recordId: row.recordId, fields: toProtoFields(schema, row.fields as Record<string, FieldValue>) };
    }
  }
}

const DEFAULT_BATCH = 1000;
const MAX_BATCH = 10_000;
/** A batch also ends once its string values pass this (a record's numbers are a few bytes each). */
const BATCH_STRING_BYTES = 1 << 20;

async function* batches(read: () => AsyncIterable<ingestion.Record>, requested: number): AsyncGenerator<ingestion.RecordBatch> {
  const size = requested || DEFAULT_BATCH;
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) throw invalidArgument(`batch_size must be between 1 and ${MAX_BATCH} (0 for ${DEFAULT_BATCH}), got ${requested}`);
  let batch: ingestion.Record[] = [];
  let stringBytes = 0;
  for await (const record of read()) {
    batch.push(record);
    stringBytes += record.recordId.length;
    for (const value of Object.values(record.fields)) if (value.stringValue !== undefined) stringBytes += value.stringValue.length;
    if (batch.length >= size || stringBytes >= BATCH_STRING_BYTES) {
      yield { records: batch };
      batch = [];
      stringBytes = 0;
    }
  }
  if (batch.length > 0) yield { records: batch };
}

function toMessage(row: DatasetVersionRow): ingestion.DatasetVersion {
  return {
    dataset: row.dataset,
    version: row.version,
    name: row.name ?? '',
    rowCount: row.rowCount,
    minEventTimeMs: row.minEventTime?.getTime() ?? 0,
    maxEventTimeMs: row.maxEventTime?.getTime() ?? 0,
    contentHash: row.contentHash,
    schemaVersion: row.schemaVersion,
    offsets: row.offsets,
    trigger: row.trigger,
    createdAtMs: row.createdAt.getTime(),
  };
}

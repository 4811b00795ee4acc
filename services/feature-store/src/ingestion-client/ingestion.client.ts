import { Injectable } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { firstValueFrom, toArray } from 'rxjs';
import { ingestion, plainFields } from '@mlops/contracts';
import { failedPrecondition, notFound, unavailable } from '@mlops/errors';
import { UpstreamClients } from '@mlops/nest-platform';
import type { SourceSchema } from '../feature-views/domain/feature-view';

const TYPES: Record<number, SourceSchema['columns'][number]['type']> = {
  [ingestion.ColumnType.COLUMN_TYPE_FLOAT]: 'float',
  [ingestion.ColumnType.COLUMN_TYPE_INT]: 'int',
  [ingestion.ColumnType.COLUMN_TYPE_STRING]: 'string',
  [ingestion.ColumnType.COLUMN_TYPE_BOOL]: 'bool',
  [ingestion.ColumnType.COLUMN_TYPE_TIMESTAMP]: 'timestamp',
};

export interface VersionRecord {
  recordId: string;
  fields: Record<string, unknown>;
}

/** The ingestion service as the feature store sees it (over gRPC, with the caller's correlation id). */
@Injectable()
export class IngestionClient {
  constructor(private readonly upstream: UpstreamClients) {}

  private get api(): ingestion.IngestionServiceClient {
    return this.upstream.client<ingestion.IngestionServiceClient>('ingestion', 'mlops.ingestion.v1', 'mlops/ingestion/v1/ingestion.proto', 'IngestionService');
  }

  async sourceSchema(dataset: string): Promise<SourceSchema> {
    const found = await this.call(() => firstValueFrom(this.api.getDataset({ dataset, schemaVersion: 0 })), `dataset "${dataset}"`);
    return {
      entityColumn: found.entityColumn,
      eventTimeColumn: found.eventTimeColumn,
      labelColumn: found.labelColumn,
      columns: (found.columns ?? []).map((c) => ({ name: c.name, type: TYPES[c.type] ?? 'string' })),
    };
  }

  async version(dataset: string, version: number, cutFirst: boolean): Promise<ingestion.DatasetVersion> {
    if (cutFirst) return this.call(() => firstValueFrom(this.api.createDatasetVersion({ dataset, name: '' })), `dataset "${dataset}"`);
    return this.call(() => firstValueFrom(this.api.getDatasetVersion({ dataset, version })), `dataset "${dataset}" version ${version || 'latest'}`);
  }

  /** Every record of a dataset version, fields as plain values. */
  async records(dataset: string, version: number): Promise<VersionRecord[]> {
    const rows = await this.call(() => firstValueFrom(this.api.readDatasetVersion({ dataset, version }).pipe(toArray())), `dataset "${dataset}" version ${version}`);
    return rows.map((r) => ({ recordId: r.recordId, fields: plainFields(r.fields ?? {}) }));
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const { code, details } = error as { code?: number; details?: string };
      if (code === GrpcStatus.NOT_FOUND) throw notFound(details ?? `${what} not found`);
      if (code === GrpcStatus.FAILED_PRECONDITION || code === GrpcStatus.INVALID_ARGUMENT) throw failedPrecondition(details ?? `${what} refused`);
      throw unavailable(`ingestion did not answer for ${what}: ${details ?? (error as Error).message}`);
    }
  }
}

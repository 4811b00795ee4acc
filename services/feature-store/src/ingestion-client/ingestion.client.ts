import { Injectable } from '@nestjs/common';
import { firstValueFrom, toArray } from 'rxjs';
import { ingestion, plainFields } from '@mlops/contracts';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';
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
    const found = await callUpstream('ingestion', `dataset "${dataset}"`, () => firstValueFrom(this.api.getDataset({ dataset, schemaVersion: 0 })));
    return {
      entityColumn: found.entityColumn,
      eventTimeColumn: found.eventTimeColumn,
      labelColumn: found.labelColumn,
      columns: (found.columns ?? []).map((c) => ({ name: c.name, type: TYPES[c.type] ?? 'string' })),
    };
  }

  async version(dataset: string, version: number, cutFirst: boolean): Promise<ingestion.DatasetVersion> {
    if (cutFirst) return callUpstream('ingestion', `dataset "${dataset}"`, () => firstValueFrom(this.api.createDatasetVersion({ dataset, name: '' })));
    return callUpstream('ingestion', `dataset "${dataset}" version ${version || 'latest'}`, () => firstValueFrom(this.api.getDatasetVersion({ dataset, version })));
  }

  /** Every record of a dataset version, fields as plain values. */
  async records(dataset: string, version: number): Promise<VersionRecord[]> {
    // A thousand records to a message: one message per record cost most of a snapshot's time.
    const batches = await callUpstream('ingestion', `dataset "${dataset}" version ${version}`, () => firstValueFrom(this.api.readDatasetVersionBatches({ dataset, version, batchSize: 0 }).pipe(toArray())));
    const records: VersionRecord[] = [];
    for (const batch of batches) for (const r of batch.records ?? []) records.push({ recordId: r.recordId, fields: plainFields(r.fields ?? {}) });
    return records;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { DatasetSchema, DatasetSpec } from './domain/dataset-schema';

interface SchemaRow {
  dataset: string;
  schema_version: number;
  spec: DatasetSpec;
  created_at: Date;
  record_count: string;
  stream_buckets: number;
}

export interface StoredDataset {
  schema: DatasetSchema;
  recordCount: number;
}

@Injectable()
export class DatasetsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  /** The current (or a given) schema version of a dataset, with its record count. */
  async find(dataset: string, schemaVersion = 0, manager: EntityManager = this.dataSource.manager): Promise<StoredDataset | undefined> {
    const rows: SchemaRow[] = await manager.query(
      `SELECT s.dataset, s.schema_version, s.spec, s.created_at, d.record_count, d.stream_buckets
       FROM "${this.s}".datasets d JOIN "${this.s}".dataset_schemas s
         ON s.dataset = d.name AND s.schema_version = CASE WHEN $2 > 0 THEN $2 ELSE d.schema_version END
       WHERE d.name = $1`,
      [dataset, schemaVersion],
    );
    return rows[0] && toStored(rows[0]);
  }

  /** Up to `limit` datasets by name, after `after` when given. */
  async list(limit: number, after?: string): Promise<StoredDataset[]> {
    const rows: SchemaRow[] = await this.dataSource.query(
      `SELECT s.dataset, s.schema_version, s.spec, s.created_at, d.record_count, d.stream_buckets
       FROM "${this.s}".datasets d JOIN "${this.s}".dataset_schemas s ON s.dataset = d.name AND s.schema_version = d.schema_version
       WHERE ($1::text IS NULL OR d.name > $1) ORDER BY d.name LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map(toStored);
  }

  /** Locks the dataset row for the rest of the transaction (schema changes, version cuts). */
  async lock(manager: EntityManager, dataset: string): Promise<boolean> {
    const rows = await manager.query(`SELECT name FROM "${this.s}".datasets WHERE name = $1 FOR UPDATE`, [dataset]);
    return rows.length > 0;
  }

  /** A new schema version; the first one creates the dataset with its stream's bucket count. */
  async insertSchema(manager: EntityManager, spec: DatasetSpec, schemaVersion: number, streamBuckets = 0): Promise<void> {
    if (schemaVersion === 1) {
      await manager.query(`INSERT INTO "${this.s}".datasets (name, schema_version, stream_buckets) VALUES ($1, 1, $2)`, [spec.dataset, streamBuckets]);
    } else {
      await manager.query(`UPDATE "${this.s}".datasets SET schema_version = $2 WHERE name = $1`, [spec.dataset, schemaVersion]);
    }
    await manager.query(`INSERT INTO "${this.s}".dataset_schemas (dataset, schema_version, spec) VALUES ($1, $2, $3)`, [
      spec.dataset,
      schemaVersion,
      JSON.stringify(spec),
    ]);
  }
}

function toStored(row: SchemaRow): StoredDataset {
  return {
    schema: { ...row.spec, schemaVersion: row.schema_version, createdAt: row.created_at, streamBuckets: row.stream_buckets },
    recordCount: Number(row.record_count),
  };
}

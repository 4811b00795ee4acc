import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export interface DatasetVersionRow {
  dataset: string;
  version: number;
  name: string | null;
  maxSeq: string;
  rowCount: number;
  minEventTime: Date | null;
  maxEventTime: Date | null;
  contentHash: string;
  schemaVersion: number;
  offsets: string[];
  trigger: string;
  createdAt: Date;
}

export interface StoredRecordRow {
  recordId: string;
  fields: Record<string, unknown>;
  /** The fields as Postgres prints jsonb: keys in a fixed order, so equal content prints equal. */
  fieldsText: string;
}

@Injectable()
export class VersionsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  async latest(dataset: string, manager: EntityManager = this.dataSource.manager): Promise<DatasetVersionRow | undefined> {
    return (await this.select(manager, 'WHERE dataset = $1 ORDER BY version DESC LIMIT 1', [dataset]))[0];
  }

  async get(dataset: string, version: number): Promise<DatasetVersionRow | undefined> {
    if (version <= 0) return this.latest(dataset);
    return (await this.select(this.dataSource.manager, 'WHERE dataset = $1 AND version = $2', [dataset, version]))[0];
  }

  /** Up to `limit` versions of a dataset, oldest first, after version `after` when given. */
  list(dataset: string, limit: number, after?: number): Promise<DatasetVersionRow[]> {
    return this.select(this.dataSource.manager, 'WHERE dataset = $1 AND ($2::int IS NULL OR version > $2) ORDER BY version LIMIT $3', [dataset, after ?? null, limit]);
  }

  /** What a cut at the current end of the dataset would contain (without the hash). */
  async measure(manager: EntityManager, dataset: string) {
    const [stats] = await manager.query(
      `SELECT coalesce(max(seq), 0)::text AS max_seq, count(*)::int AS row_count, min(event_time) AS min_t, max(event_time) AS max_t
       FROM "${this.s}".records WHERE dataset = $1`,
      [dataset],
    );
    const offsets: { p: number; o: string }[] = await manager.query(
      `SELECT kafka_partition AS p, max(kafka_offset)::text AS o FROM "${this.s}".records
       WHERE dataset = $1 AND kafka_partition IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [dataset],
    );
    return {
      maxSeq: stats.max_seq as string,
      rowCount: stats.row_count as number,
      minEventTime: stats.min_t as Date | null,
      maxEventTime: stats.max_t as Date | null,
      offsets: offsets.map((o) => `${o.p}:${o.o}`),
    };
  }

  /** Rows of a dataset up to `maxSeq`, in record-id order, `pageSize` at a time (keyset paging). */
  async *rowsUpTo(dataset: string, maxSeq: string, manager: EntityManager = this.dataSource.manager, pageSize = 5000): AsyncGenerator<StoredRecordRow[]> {
    let after = '';
    for (;;) {
      const page: { record_id: string; fields: Record<string, unknown>; fields_text: string }[] = await manager.query(
        `SELECT record_id, fields, fields::text AS fields_text FROM "${this.s}".records
         WHERE dataset = $1 AND seq <= $2 AND record_id > $3 ORDER BY record_id LIMIT $4`,
        [dataset, maxSeq, after, pageSize],
      );
      if (page.length === 0) return;
      yield page.map((r) => ({ recordId: r.record_id, fields: r.fields, fieldsText: r.fields_text }));
      after = page[page.length - 1].record_id;
    }
  }

  async insert(manager: EntityManager, row: Omit<DatasetVersionRow, 'createdAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".dataset_versions
        (dataset, version, name, max_seq, row_count, min_event_time, max_event_time, content_hash, schema_version, offsets, trigger)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [row.dataset, row.version, row.name, row.maxSeq, row.rowCount, row.minEventTime, row.maxEventTime, row.contentHash, row.schemaVersion, JSON.stringify(row.offsets), row.trigger],
    );
  }

  /** Datasets whose time schedule is due: records arrived since the last cut, and the interval passed. */
  async dueBySchedule(): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT d.name FROM "${this.s}".datasets d
       JOIN "${this.s}".dataset_schemas s ON s.dataset = d.name AND s.schema_version = d.schema_version
       LEFT JOIN LATERAL (SELECT row_count, created_at FROM "${this.s}".dataset_versions v WHERE v.dataset = d.name ORDER BY version DESC LIMIT 1) last ON true
       WHERE (s.spec->>'versionEverySeconds')::bigint > 0
         AND d.record_count > coalesce(last.row_count, 0)
         AND coalesce(last.created_at, d.created_at) <= now() - make_interval(secs => (s.spec->>'versionEverySeconds')::bigint)`,
    );
    return rows.map((r) => r.name);
  }

  private async select(manager: EntityManager, where: string, params: unknown[]): Promise<DatasetVersionRow[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT dataset, version, name, max_seq::text, row_count, min_event_time, max_event_time, content_hash, schema_version, offsets, trigger, created_at
       FROM "${this.s}".dataset_versions ${where}`,
      params,
    );
    return rows.map((r) => ({
      dataset: r.dataset as string,
      version: r.version as number,
      name: r.name as string | null,
      maxSeq: r.max_seq as string,
      rowCount: Number(r.row_count),
      minEventTime: r.min_event_time as Date | null,
      maxEventTime: r.max_event_time as Date | null,
      contentHash: r.content_hash as string,
      schemaVersion: r.schema_version as number,
      offsets: r.offsets as string[],
      trigger: r.trigger as string,
      createdAt: r.created_at as Date,
    }));
  }
}

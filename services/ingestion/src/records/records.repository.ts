import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BinaryCopyEncoder, type CopyColumn, copyInto, pgClientOf, schemaOf } from '@mlops/persistence';
import { INGESTION_CONFIG, type IngestionConfig } from '../config/ingestion.config';
import type { Rejection, ValidRecord } from './domain/record-validation';

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

export interface RowToStore extends ValidRecord {
  dataset: string;
  schemaVersion: number;
  kafkaPartition: number | null;
  kafkaOffset: string | null;
}

export interface RejectionToStore extends Rejection {
  dataset: string;
  payload: Buffer;
  source: string;
  /** Unique for Kafka sources, so a redelivered rejection is stored (and announced) once. */
  sourceKey: string | null;
}

export interface StoredRejection extends RejectionToStore {
  id: number;
  rejectedAt: Date;
}

export interface RejectionFilter {
  /** Empty: every dataset's. */
  dataset: string;
  /** Empty: every reason's. */
  reasonCode: string;
  beforeId?: number;
  limit: number;
}

/** The offline store's columns that a stored record fills (seq and ingested_at take their defaults). */
const RECORD_COLUMNS: readonly CopyColumn[] = [
  { name: 'dataset', type: 'text' },
  { name: 'record_id', type: 'text' },
  { name: 'schema_version', type: 'int4' },
  { name: 'entity_key', type: 'text' },
  { name: 'event_time', type: 'timestamptz' },
  { name: 'fields', type: 'jsonb' },
  { name: 'kafka_partition', type: 'int4' },
  { name: 'kafka_offset', type: 'int8' },
];

/** The key insertRows answers with: dataset and record id. */
export const storedKey = (row: { dataset: string; recordId: string }) => `${row.dataset}\u0000${row.recordId}`;

@Injectable()
export class RecordsRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(INGESTION_CONFIG) private readonly config: Pick<IngestionConfig, 'store'>,
  ) {
    this.s = schemaOf(dataSource);
  }

  /**
   * Appends rows whose record id is not stored yet, in the caller's transaction; returns the keys
   * (storedKey) actually inserted. Binary COPY by default: the batch's own repeats are dropped
   * first (the first one wins), then the rows are copied under a savepoint. A record id stored
   * before (a redelivered batch) makes the COPY fail as a whole on the primary key; the savepoint
   * is rolled back and the batch goes through INSERT ... ON CONFLICT DO NOTHING instead, so the
   * common case pays for no conflict check and a redelivery still stores nothing twice.
   */
  async insertRows(manager: EntityManager, rows: RowToStore[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    if (this.config.store === 'insert') return this.insertSkippingStored(manager, rows);
    const unique = new Map<string, RowToStore>();
    for (const row of rows) {
      const key = storedKey(row);
      if (!unique.has(key)) unique.set(key, row);
    }
    const encoder = new BinaryCopyEncoder(RECORD_COLUMNS, 256 * unique.size);
    for (const r of unique.values()) {
      encoder.row([r.dataset, r.recordId, r.schemaVersion, r.entityKey, r.eventTimeMs, JSON.stringify(r.fields), r.kafkaPartition, r.kafkaOffset]);
    }
    await manager.query('SAVEPOINT records_copy');
    try {
      await copyInto(pgClientOf(manager), `"${this.s}".records`, RECORD_COLUMNS, encoder.finish());
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT records_copy');
      return this.insertSkippingStored(manager, [...unique.values()]);
    }
    await manager.query('RELEASE SAVEPOINT records_copy');
    return new Set(unique.keys());
  }

  /** One INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING (one round trip per batch). */
  private async insertSkippingStored(manager: EntityManager, rows: RowToStore[]): Promise<Set<string>> {
    const inserted: { dataset: string; record_id: string }[] = await manager.query(
      `INSERT INTO "${this.s}".records (dataset, record_id, schema_version, entity_key, event_time, fields, kafka_partition, kafka_offset)
       SELECT d, r, v, e, to_timestamp(t / 1000.0), f::jsonb, p, o
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::int[], $8::bigint[]) AS u(d, r, v, e, t, f, p, o)
       ON CONFLICT (dataset, record_id) DO NOTHING
       RETURNING dataset, record_id`,
      [
        rows.map((r) => r.dataset),
        rows.map((r) => r.recordId),
        rows.map((r) => r.schemaVersion),
        rows.map((r) => r.entityKey),
        rows.map((r) => r.eventTimeMs),
        rows.map((r) => JSON.stringify(r.fields)),
        rows.map((r) => r.kafkaPartition),
        rows.map((r) => r.kafkaOffset),
      ],
    );
    return new Set(inserted.map((row) => storedKey({ dataset: row.dataset, recordId: row.record_id })));
  }

  async addToRecordCounts(manager: EntityManager, counts: Map<string, number>): Promise<void> {
    if (counts.size === 0) return;
    await manager.query(
      `UPDATE "${this.s}".datasets d SET record_count = d.record_count + u.n
       FROM unnest($1::text[], $2::bigint[]) AS u(name, n) WHERE d.name = u.name`,
      [[...counts.keys()], [...counts.values()]],
    );
  }

  /** Stores rejections; returns those not stored before (redeliveries are skipped). */
  async insertRejections(manager: EntityManager, rejections: RejectionToStore[]): Promise<RejectionToStore[]> {
    if (rejections.length === 0) return [];
    const inserted: { source_key: string | null }[] = await manager.query(
      `INSERT INTO "${this.s}".rejected_records (dataset, reason_code, reason, payload, source, source_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[])
       ON CONFLICT (source_key) DO NOTHING
       RETURNING source_key`,
      [
        rejections.map((r) => r.dataset),
        rejections.map((r) => r.code),
        rejections.map((r) => r.reason),
        rejections.map((r) => r.payload),
        rejections.map((r) => r.source),
        rejections.map((r) => r.sourceKey),
      ],
    );
    const newKeys = new Set(inserted.map((r) => r.source_key));
    return rejections.filter((r) => r.sourceKey === null || newKeys.has(r.sourceKey));
  }

  /** Newest first: at most `limit` rejections with an id below `beforeId` (when given). */
  async listRejections(filter: RejectionFilter): Promise<StoredRejection[]> {
    const rows: { id: string; dataset: string; reason_code: string; reason: string; payload: Buffer; source: string; source_key: string | null; rejected_at: Date }[] =
      await this.dataSource.query(
        `SELECT id, dataset, reason_code, reason, payload, source, source_key, rejected_at FROM "${this.s}".rejected_records
         WHERE ($1 = '' OR dataset = $1) AND ($2 = '' OR reason_code = $2) AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
        [filter.dataset, filter.reasonCode, filter.beforeId ?? null, filter.limit],
      );
    return rows.map((r) => ({
      id: Number(r.id),
      dataset: r.dataset,
      code: r.reason_code as Rejection['code'],
      reason: r.reason,
      payload: r.payload,
      source: r.source,
      sourceKey: r.source_key,
      rejectedAt: r.rejected_at,
    }));
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { Rejection, ValidRecord } from './domain/record-validation';

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

@Injectable()
export class RecordsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  /**
   * Appends rows in one statement (arrays unnested server-side: one round trip per batch).
   * Rows whose record id is already stored are skipped; returns the ids actually inserted.
   */
  async insertRows(manager: EntityManager, rows: RowToStore[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
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
    return new Set(inserted.map((row) => `${row.dataset}\u0000${row.record_id}`));
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

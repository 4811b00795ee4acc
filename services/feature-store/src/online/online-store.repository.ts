import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { schemaOf } from '@mlops/persistence';
import type { FeatureOutput, SourceRecord } from '../feature-views/domain/transforms';

export interface SourceRowToStore {
  recordId: string;
  entityKey: string;
  eventTimeMs: number;
  fields: Record<string, unknown>;
}

export interface OnlineEntry {
  entityKey: string;
  values: FeatureOutput[];
  eventTimeMs: number;
}

@Injectable()
export class OnlineStoreRepository {
  private readonly s: string;
  private readonly lookupText: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
    this.lookupText = `SELECT entity_key, "values", (extract(epoch from event_time) * 1000)::float8 AS t
      FROM "${this.s}".online_features WHERE view = $1 AND version = $2 AND entity_key = ANY($3::text[])`;
  }

  async insertSourceRows(manager: EntityManager, dataset: string, rows: SourceRowToStore[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO "${this.s}".source_rows (dataset, record_id, entity_key, event_time, fields)
       SELECT $1, r, e, to_timestamp(t / 1000.0), f::jsonb FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[]) AS u(r, e, t, f)
       ON CONFLICT DO NOTHING`,
      [dataset, rows.map((r) => r.recordId), rows.map((r) => r.entityKey), rows.map((r) => r.eventTimeMs), rows.map((r) => JSON.stringify(r.fields))],
    );
  }

  /**
   * For each entity: its records in (latest - maxWindowMs, latest], plus the latest itself,
   * sorted by time then record id — all the online values of those entities depend on.
   */
  async recentHistory(manager: EntityManager, dataset: string, entityKeys: string[], maxWindowMs: number): Promise<Map<string, SourceRecord[]>> {
    const rows: { entity_key: string; t: number; fields: Record<string, unknown> }[] = await manager.query(
      `SELECT r.entity_key, (extract(epoch from r.event_time) * 1000)::float8 AS t, r.fields
       FROM unnest($2::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT max(event_time) AS latest FROM "${this.s}".source_rows WHERE dataset = $1 AND entity_key = k.key) l
       JOIN "${this.s}".source_rows r ON r.dataset = $1 AND r.entity_key = k.key
         AND r.event_time <= l.latest AND (r.event_time = l.latest OR r.event_time > l.latest - make_interval(secs => $3 / 1000.0))
       ORDER BY r.entity_key, r.event_time, r.record_id`,
      [dataset, entityKeys, maxWindowMs],
    );
    const out = new Map<string, SourceRecord[]>();
    for (const row of rows) {
      const history = out.get(row.entity_key) ?? [];
      history.push({ eventTimeMs: Math.round(row.t), fields: row.fields });
      out.set(row.entity_key, history);
    }
    return out;
  }

  /** Keeps the values of the newest record per entity: an older record arriving late changes nothing. */
  async upsert(manager: EntityManager, view: string, version: number, entries: OnlineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO "${this.s}".online_features AS o (view, version, entity_key, "values", event_time)
       SELECT $1, $2, e, v::jsonb, to_timestamp(t / 1000.0) FROM unnest($3::text[], $4::text[], $5::float8[]) AS u(e, v, t)
       ON CONFLICT (view, version, entity_key) DO UPDATE SET "values" = EXCLUDED."values", event_time = EXCLUDED.event_time, updated_at = now()
       WHERE o.event_time <= EXCLUDED.event_time`,
      [view, version, entries.map((e) => e.entityKey), entries.map((e) => JSON.stringify(e.values)), entries.map((e) => e.eventTimeMs)],
    );
  }

  /** Entity keys of a dataset, in key order, for paging through a backfill. */
  async entityKeys(dataset: string, after: string, limit: number): Promise<string[]> {
    const rows: { entity_key: string }[] = await this.dataSource.query(
      `SELECT DISTINCT entity_key FROM "${this.s}".source_rows WHERE dataset = $1 AND entity_key > $2 ORDER BY entity_key LIMIT $3`,
      [dataset, after, limit],
    );
    return rows.map((r) => r.entity_key);
  }

  /** The hot path: one prepared statement (parsed and planned once per connection) by primary key. */
  async lookup(view: string, version: number, entityKeys: string[]): Promise<Map<string, { values: FeatureOutput[]; eventTimeMs: number }>> {
    const result = await this.pool.query({ name: `online-lookup-${this.s}`, text: this.lookupText, values: [view, version, entityKeys] });
    const out = new Map<string, { values: FeatureOutput[]; eventTimeMs: number }>();
    for (const row of result.rows) out.set(row.entity_key, { values: row.values, eventTimeMs: Math.round(row.t) });
    return out;
  }

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  withTransaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }
}

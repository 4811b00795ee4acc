import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type KeysetPosition, schemaOf } from '@mlops/persistence';
import type { NamedProfile } from './domain/profiles';
import type { SnapshotRow } from './domain/point-in-time';

export interface SnapshotMeta {
  id: string;
  view: string;
  viewVersion: number;
  dataset: string;
  datasetVersion: number;
  datasetHash: string;
  rowCount: number;
  contentHash: string;
  featureNames: string[];
  profiles: NamedProfile[];
  requestedBy: string;
  buildMs: number;
  createdAt: Date;
}

const INSERT_CHUNK = 5000;
/** Every column but the profiles (the largest, and not part of a listing). */
const LISTED_COLUMNS = 'id, view, view_version, dataset, dataset_version, dataset_hash, row_count, content_hash, feature_names, requested_by, build_ms, created_at';

@Injectable()
export class SnapshotsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  async find(id: string): Promise<SnapshotMeta | undefined> {
    const [row]: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM "${this.s}".snapshots WHERE id = $1`, [id]);
    return row && toMeta(row, row.profiles as NamedProfile[]);
  }

  /** Newest first, without profiles: at most `limit` snapshots after `after` (when given), of the view (when given). */
  async list(filter: { view: string; after?: KeysetPosition; limit: number }): Promise<{ meta: SnapshotMeta; position: KeysetPosition }[]> {
    const params: unknown[] = [filter.limit];
    const where: string[] = [];
    if (filter.view) where.push(`view = $${params.push(filter.view)}`);
    if (filter.after) {
      const [us, id] = [params.push(filter.after.createdUs), params.push(filter.after.id)];
      where.push(`(created_at, id) < ('epoch'::timestamptz + $${us}::bigint * interval '1 microsecond', $${id})`);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${LISTED_COLUMNS}, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us FROM "${this.s}".snapshots
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    return rows.map((row) => ({ meta: toMeta(row, []), position: { createdUs: row.created_us as string, id: row.id as string } }));
  }

  /** Stores the snapshot and its rows; false when the same snapshot was stored already. */
  async insert(manager: EntityManager, meta: Omit<SnapshotMeta, 'createdAt'>, rows: SnapshotRow[]): Promise<boolean> {
    const inserted = await manager.query(
      `INSERT INTO "${this.s}".snapshots (id, view, view_version, dataset, dataset_version, dataset_hash, row_count, content_hash, feature_names, profiles, requested_by, build_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [meta.id, meta.view, meta.viewVersion, meta.dataset, meta.datasetVersion, meta.datasetHash, meta.rowCount, meta.contentHash, JSON.stringify(meta.featureNames), JSON.stringify(meta.profiles), meta.requestedBy, meta.buildMs],
    );
    if (inserted.length === 0) return false;
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      await manager.query(
        `INSERT INTO "${this.s}".snapshot_rows (snapshot_id, idx, entity_key, ts, "values", label)
         SELECT $1, i, e, t, v::jsonb, l::jsonb FROM unnest($2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[]) AS u(i, e, t, v, l)`,
        [meta.id, chunk.map((_, k) => start + k), chunk.map((r) => r.entityKey), chunk.map((r) => r.timestampMs), chunk.map((r) => JSON.stringify(r.values)), chunk.map((r) => JSON.stringify(r.label))],
      );
    }
    return true;
  }

  /** Rows in snapshot order, a page at a time. */
  async *rows(id: string, pageSize = 5000): AsyncGenerator<SnapshotRow[]> {
    for (let after = -1; ; ) {
      const page: { idx: number; entity_key: string; ts: string; values: SnapshotRow['values']; label: SnapshotRow['label'] }[] = await this.dataSource.query(
        `SELECT idx, entity_key, ts, "values", label FROM "${this.s}".snapshot_rows WHERE snapshot_id = $1 AND idx > $2 ORDER BY idx LIMIT $3`,
        [id, after, pageSize],
      );
      if (page.length === 0) return;
      yield page.map((r) => ({ entityKey: r.entity_key, timestampMs: Number(r.ts), values: r.values, label: r.label }));
      after = page[page.length - 1].idx;
    }
  }
}

function toMeta(row: Record<string, unknown>, profiles: NamedProfile[]): SnapshotMeta {
  return {
    id: row.id as string,
    view: row.view as string,
    viewVersion: row.view_version as number,
    dataset: row.dataset as string,
    datasetVersion: row.dataset_version as number,
    datasetHash: row.dataset_hash as string,
    rowCount: Number(row.row_count),
    contentHash: row.content_hash as string,
    featureNames: row.feature_names as string[],
    profiles,
    requestedBy: row.requested_by as string,
    buildMs: Number(row.build_ms),
    createdAt: row.created_at as Date,
  };
}

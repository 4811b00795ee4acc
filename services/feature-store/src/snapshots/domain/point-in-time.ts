import { createHash } from 'node:crypto';
import { type CompiledView, type FeatureOutput, type SourceRecord, lowerBoundAfter } from '../../feature-views/domain/transforms';

/** An entity at a point in time, with its label: one row of a training snapshot. */
export interface SpineRow {
  entityKey: string;
  timestampMs: number;
  label: FeatureOutput;
}

export interface SnapshotRow extends SpineRow {
  values: FeatureOutput[];
}

/** Source records grouped by entity, each group sorted by event time (ties by record id). */
export type EntityHistories = Map<string, SourceRecord[]>;

export function groupByEntity(records: Iterable<SourceRecord & { entityKey: string; recordId: string }>): EntityHistories {
  const groups = new Map<string, (SourceRecord & { recordId: string })[]>();
  for (const record of records) {
    const group = groups.get(record.entityKey);
    if (group) group.push(record);
    else groups.set(record.entityKey, [record]);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  }
  return groups;
}

/**
 * Point-in-time correct join: each spine row gets the feature values known at its timestamp —
 * from the entity's latest record with event time <= t (null once older than the TTL) and
 * windows over (t - window, t] — and never from a record after t. Rows come out ordered by
 * time, then entity, so the same content always gives the same snapshot.
 */
export function pointInTimeJoin(view: CompiledView, ttlMs: number, histories: EntityHistories, spine: SpineRow[]): SnapshotRow[] {
  const rows = spine.map((row) => {
    const history = histories.get(row.entityKey) ?? [];
    const latest = history[lowerBoundAfter(history, row.timestampMs) - 1];
    const current = latest && (ttlMs === 0 || row.timestampMs - latest.eventTimeMs <= ttlMs) ? latest : undefined;
    return { ...row, values: view.compute(row.timestampMs, current, history) };
  });
  return rows.sort((a, b) => a.timestampMs - b.timestampMs || (a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0));
}

/** sha256 of a snapshot: its identity (view, version, feature names, source data) and its rows in order. */
export function snapshotHash(identity: Record<string, unknown>, rows: SnapshotRow[]): string {
  const hash = createHash('sha256').update(JSON.stringify(identity) + '\n');
  for (const row of rows) hash.update(JSON.stringify([row.entityKey, row.timestampMs, row.label, row.values]) + '\n');
  return hash.digest('hex');
}

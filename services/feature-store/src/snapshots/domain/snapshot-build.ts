import { CompiledView, type SourceRecord } from '../../feature-views/domain/transforms';
import type { FeatureView } from '../../feature-views/domain/feature-view';
import { type SnapshotRow, type SpineRow, groupByEntity, pointInTimeJoin, snapshotHash } from './point-in-time';
import { type NamedProfile, profileSnapshot } from './profiles';

export interface SnapshotBuildInput {
  view: FeatureView;
  records: Array<SourceRecord & { entityKey: string; recordId: string }>;
  spine: SpineRow[];
  /** What the content hash covers besides the rows (view, version, feature names, source data). */
  identity: Record<string, unknown>;
}

export interface SnapshotBuild {
  rows: SnapshotRow[];
  contentHash: string;
  profiles: NamedProfile[];
}

/** The CPU-heavy part of a snapshot: the point-in-time join, its hash and its profiles (what snapshot-build.worker.ts runs). */
export function buildSnapshot({ view, records, spine, identity }: SnapshotBuildInput): SnapshotBuild {
  const rows = pointInTimeJoin(new CompiledView(view), view.ttlSeconds * 1000, groupByEntity(records), spine);
  return { rows, contentHash: snapshotHash(identity, rows), profiles: profileSnapshot(view.featureNames, rows) };
}

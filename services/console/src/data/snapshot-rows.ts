import { invalidArgument } from '@mlops/errors';

/**
 * A training snapshot's rows over HTTP, a page at a time, for code that has no gRPC stubs
 * (a data scientist's Python script, a notebook): the feature store's ReadSnapshot stream,
 * cut into bounded pages by offset. Rows come in the snapshot's own order (timestamp, then
 * entity: the order its content hash is computed over), which never changes, so pages read
 * one after another add up to the whole snapshot.
 */

/** Rows per page: what one response may hold. */
export const SNAPSHOT_ROWS_PAGE = { fallback: 1000, max: 10_000 } as const;

/** A feature value as JSON: a number, a category, or null (missing, expired, not computable). */
export type JsonFeatureValue = number | string | null;

export interface SnapshotRowView {
  entityKey: string;
  timestampMs: number;
  /** In the snapshot's featureNames order. */
  values: JsonFeatureValue[];
  label: JsonFeatureValue;
}

export interface SnapshotRowsPage {
  snapshotId: string;
  featureNames: string[];
  rowCount: number;
  offset: number;
  rows: SnapshotRowView[];
  /** The offset of the next page; null on the last one. */
  nextOffset: number | null;
}

/** A FeatureValue as grpc-js delivers it (oneofs: false): the set member only, or nothing. */
export interface WireFeatureValue {
  numberValue?: number;
  stringValue?: string;
}

export interface WireSnapshotRow {
  entityKey: string;
  timestampMs: number;
  values: (WireFeatureValue | null)[];
  label: WireFeatureValue | null;
}

export function jsonFeatureValue(value: WireFeatureValue | null | undefined): JsonFeatureValue {
  if (value?.numberValue !== undefined) return Number.isFinite(value.numberValue) ? value.numberValue : null;
  if (value?.stringValue !== undefined) return value.stringValue;
  return null;
}

export function snapshotRowView(row: WireSnapshotRow): SnapshotRowView {
  return { entityKey: row.entityKey, timestampMs: row.timestampMs, values: row.values.map(jsonFeatureValue), label: jsonFeatureValue(row.label) };
}

/** An offset past the snapshot's end is refused rather than answered with an empty page (a paging bug would loop on it). */
export function checkOffset(offset: number, rowCount: number): void {
  if (offset > rowCount) throw invalidArgument(`offset ${offset} is past the end of the snapshot (${rowCount} rows)`);
}

/**
 * Takes rows [offset, offset + limit) from the stream and stops reading there (breaking off
 * cancels the call, so the feature store stops streaming too).
 */
export async function pageOfRows(stream: AsyncIterable<WireSnapshotRow>, offset: number, limit: number): Promise<{ rows: SnapshotRowView[]; more: boolean }> {
  const rows: SnapshotRowView[] = [];
  let index = 0;
  for await (const row of stream) {
    if (index++ < offset) continue;
    if (rows.length === limit) return { rows, more: true };
    rows.push(snapshotRowView(row));
  }
  return { rows, more: false };
}

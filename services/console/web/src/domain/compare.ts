import type { Run } from '../api/types';

/**
 * Runs side by side: for each param and metric, whether the runs differ, and each run's value
 * against the most common one (the cells a reader should look at are the ones that differ).
 */

export interface ColumnDiff {
  key: string;
  kind: 'param' | 'metric';
  /** More than one distinct value among the runs (a missing value counts as one). */
  differs: boolean;
  /** The most common value (as text), what a differing cell differs from. */
  mode: string;
  /** Distinct values seen. */
  distinct: number;
  /** Share of the runs that have the most common value. */
  modeShare: number;
}

const MISSING = '';

function diff(key: string, kind: ColumnDiff['kind'], values: string[]): ColumnDiff {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let mode = MISSING;
  let best = -1;
  for (const [value, count] of counts) if (count > best || (count === best && value < mode)) [mode, best] = [value, count];
  return { key, kind, differs: counts.size > 1, mode, distinct: counts.size, modeShare: values.length ? best / values.length : 0 };
}

const keysOf = (runs: Run[], pick: (r: Run) => Record<string, unknown>) => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();

export function compareColumns(runs: Run[]): ColumnDiff[] {
  const params = keysOf(runs, (r) => r.params).map((k) => diff(k, 'param', runs.map((r) => r.params[k] ?? MISSING)));
  const metrics = keysOf(runs, (r) => r.metrics).map((k) => diff(k, 'metric', runs.map((r) => (k in r.metrics ? String(r.metrics[k]) : MISSING))));
  return [...params, ...metrics];
}

export function cellText(run: Run, column: ColumnDiff): string {
  return column.kind === 'param' ? (run.params[column.key] ?? MISSING) : column.key in run.metrics ? String(run.metrics[column.key]) : MISSING;
}

/**
 * Whether this run's value stands out: it is not the value most runs share. Where no value is
 * shared by most runs (a search's grid axis), no cell stands out; the column is marked instead.
 */
export function cellDiffers(run: Run, column: ColumnDiff): boolean {
  return column.differs && column.modeShare > 0.5 && cellText(run, column) !== column.mode;
}

/** Params whose values are all numbers are drawn on value axes; the others on category axes. */
export function isNumericParam(runs: Run[], key: string): boolean {
  return runs.every((r) => r.params[key] === undefined || (r.params[key] !== '' && Number.isFinite(Number(r.params[key]))));
}

import { type CompiledExpression, compileExpression } from './expression';
import type { AggregateFn, FeatureView } from './feature-view';

export type FeatureOutput = number | string | null;
export type SourceFields = Record<string, unknown>;

/** A source record of one entity: when it happened and its fields. */
export interface SourceRecord {
  eventTimeMs: number;
  fields: SourceFields;
}

interface RowStep {
  kind: 'row';
  compute: (fields: SourceFields) => FeatureOutput[];
}
interface WindowStep {
  kind: 'window';
  column: string;
  fn: AggregateFn;
  windowMs: number;
}

/**
 * A view compiled once into steps: row steps read the record the values come from; window steps
 * aggregate the entity's records in (t - window, t]. The same code serves the online store and
 * training snapshots, so both compute a feature identically.
 */
export class CompiledView {
  private readonly steps: (RowStep | WindowStep)[];
  readonly maxWindowMs: number;

  constructor(readonly view: FeatureView) {
    this.steps = view.features.map((feature): RowStep | WindowStep => {
      const t = feature.transform;
      if (t.kind === 'window') return { kind: 'window', column: t.column, fn: t.fn, windowMs: t.windowSeconds * 1000 };
      return { kind: 'row', compute: rowStep(t) };
    });
    this.maxWindowMs = Math.max(0, ...this.steps.map((s) => (s.kind === 'window' ? s.windowMs : 0)));
  }

  /**
   * Feature values at time `t` for an entity whose records (sorted by time, oldest first) are
   * `history`; `current` is the latest record at or before `t` (undefined: none, or expired).
   */
  compute(t: number, current: SourceRecord | undefined, history: SourceRecord[]): FeatureOutput[] {
    const out: FeatureOutput[] = [];
    for (const step of this.steps) {
      if (step.kind === 'window') out.push(aggregate(history, t - step.windowMs, t, step.column, step.fn));
      else if (current) out.push(...step.compute(current.fields));
      else out.push(...step.compute({}).map(() => null));
    }
    return out;
  }
}

function rowStep(t: Exclude<FeatureView['features'][number]['transform'], { kind: 'window' }>): RowStep['compute'] {
  switch (t.kind) {
    case 'column':
      return (fields) => [asOutput(fields[t.column])];
    case 'expression': {
      const compiled: CompiledExpression = compileExpression(t.expr);
      return (fields) => [compiled.evaluate(fields)];
    }
    case 'bucketize':
      return (fields) => [bucketize(asNumber(fields[t.column]), t.boundaries)];
    case 'oneHot':
      return (fields) => {
        const value = fields[t.column];
        return t.categories.map((c) => (value === null || value === undefined ? null : value === c ? 1 : 0));
      };
  }
}

/** Index i with boundaries[i-1] <= x < boundaries[i], like numpy.digitize(x, boundaries). */
export function bucketize(x: number | null, boundaries: number[]): number | null {
  if (x === null) return null;
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Aggregates the records with from < eventTime <= to (history sorted by time). */
export function aggregate(history: SourceRecord[], from: number, to: number, column: string, fn: AggregateFn): number | null {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let values = 0;
  for (let i = lowerBoundAfter(history, from); i < history.length && history[i].eventTimeMs <= to; i++) {
    count++;
    const v = asNumber(history[i].fields[column]);
    if (v === null) continue;
    values++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (fn === 'count') return count;
  if (values === 0) return fn === 'sum' ? 0 : null;
  return fn === 'sum' ? sum : fn === 'mean' ? sum / values : fn === 'min' ? min : max;
}

/** First index whose event time is > t. */
export function lowerBoundAfter(history: SourceRecord[], t: number): number {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid].eventTimeMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function asOutput(value: unknown): FeatureOutput {
  if (typeof value === 'string') return value;
  return asNumber(value);
}

// Statistics profile of one feature column: the reference that drift detection later compares
// live data against. Every number is defined to match numpy (see scripts/fixtures/profile_fixtures.py)
// so profiles computed in Python notebooks and in the platform are interchangeable.

import { histogramEqualWidth, type Histogram } from './histogram';
import { moments } from './moments';
import { assertProbability, quantilesLinear } from './quantile';

export const DEFAULT_BINS = 10;
export const DEFAULT_QUANTILES: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];
export const DEFAULT_MAX_CATEGORIES = 100;

export interface QuantileValue {
  q: number;
  value: number;
}

export interface NumericProfile {
  kind: 'numeric';
  /** Finite values; every statistic below is computed over these only. */
  count: number;
  /** null, undefined and NaN: missing values. */
  nulls: number;
  /** ±Infinity: neither missing nor usable, counted apart so a spike of them is still visible. */
  infinite: number;
  /** The statistics are null when count is 0. */
  mean: number | null;
  /** Sample standard deviation (ddof = 1, like pandas); 0 when count < 2. */
  std: number | null;
  min: number | null;
  max: number | null;
  /** numpy.quantile 'linear' values in the order requested; empty when count is 0. */
  quantiles: QuantileValue[];
  /** numpy.histogram(values, bins); empty edges and counts when count is 0. */
  histogram: Histogram;
}

export interface NumericProfileOptions {
  /** Equal-width histogram bins over [min, max]; default 10. */
  bins?: number;
  /** Probabilities in [0, 1]; default [0.05, 0.25, 0.5, 0.75, 0.95]. */
  quantiles?: readonly number[];
}

export interface CategoryFrequency {
  value: string;
  count: number;
  /** count / (non-null rows). */
  share: number;
}

export interface CategoricalProfile {
  kind: 'categorical';
  /** Non-null values. */
  count: number;
  /** null and undefined. */
  nulls: number;
  /** Distinct non-null values, including those cut from `frequencies`. */
  distinct: number;
  /** Sorted by count descending, then value ascending (by UTF-16 code unit, not locale). */
  frequencies: CategoryFrequency[];
  /** Rows whose category was cut by maxCategories. */
  otherCount: number;
}

export interface CategoricalProfileOptions {
  /** Categories kept in `frequencies`; default 100. High-cardinality columns would otherwise bloat the profile. */
  maxCategories?: number;
}

export type FeatureProfile = NumericProfile | CategoricalProfile;

export function profileNumeric(
  values: ReadonlyArray<number | null | undefined>,
  options: NumericProfileOptions = {},
): NumericProfile {
  const bins = options.bins ?? DEFAULT_BINS;
  const qs = options.quantiles ?? DEFAULT_QUANTILES;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  qs.forEach(assertProbability);

  const { finite, nulls, infinite } = splitNumeric(values);
  const count = finite.length;
  const base = { kind: 'numeric' as const, count, nulls, infinite };
  if (count === 0) {
    return { ...base, mean: null, std: null, min: null, max: null, quantiles: [], histogram: { edges: [], counts: [] } };
  }
  // Float64Array sorts numerically (Array#sort would compare as strings).
  const sorted = finite.sort();
  const min = sorted[0];
  const max = sorted[count - 1];
  // A constant column gets its exact mean and std rather than whatever rounding leaves.
  const { mean, std } = min === max ? { mean: min, std: 0 } : moments(sorted);
  const quantileValues = quantilesLinear(sorted, qs);
  return {
    ...base,
    mean: clamp(mean, min, max),
    std,
    min,
    max,
    quantiles: qs.map((q, i) => ({ q, value: quantileValues[i] })),
    histogram: histogramEqualWidth(sorted, min, max, bins),
  };
}

export function profileCategorical(
  values: ReadonlyArray<string | boolean | null | undefined>,
  options: CategoricalProfileOptions = {},
): CategoricalProfile {
  const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  if (!Number.isInteger(maxCategories) || maxCategories < 0) {
    throw new RangeError(`maxCategories must be a non-negative integer, got ${maxCategories}`);
  }
  const { counts, nulls } = countCategories(values);
  const count = values.length - nulls;
  const sorted = [...counts].sort(([va, ca], [vb, cb]) => cb - ca || (va < vb ? -1 : va > vb ? 1 : 0));
  const kept = sorted.slice(0, maxCategories);
  const keptRows = kept.reduce((sum, [, c]) => sum + c, 0);
  return {
    kind: 'categorical',
    count,
    nulls,
    distinct: counts.size,
    frequencies: kept.map(([value, c]) => ({ value, count: c, share: c / count })),
    otherCount: count - keptRows,
  };
}

/** Finite values into a typed array (cheap to sort); anything that is not a number counts as missing. */
function splitNumeric(values: ReadonlyArray<number | null | undefined>) {
  const finite = new Float64Array(values.length);
  let n = 0;
  let nulls = 0;
  let infinite = 0;
  for (const v of values) {
    if (typeof v !== 'number' || Number.isNaN(v)) nulls++;
    else if (!Number.isFinite(v)) infinite++;
    else finite[n++] = v;
  }
  return { finite: finite.subarray(0, n), nulls, infinite };
}

function countCategories(values: ReadonlyArray<string | boolean | null | undefined>) {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (const v of values) {
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    // String(true) is 'true': booleans share the key space of their spelled-out strings on purpose.
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, nulls };
}

/** Rounding can put the mean of near-equal values a hair outside [min, max]. */
function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

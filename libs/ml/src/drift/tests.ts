// The drift tests Evidently chooses by default, on the same definitions (and checked against
// SciPy's answers on the same samples): chi-squared and two-proportion Z tests on category
// counts, Kolmogorov–Smirnov on numeric samples, and the distances Wasserstein (normalized by
// the reference's standard deviation), Jensen–Shannon and PSI on binned shares.
import { histogramEqualWidth } from '../histogram';
import { neumaierSum } from '../moments';
import { sortedFloat64 } from '../sort';
import { ks2SampleSorted } from './ks';
import { chiSquaredSf, normalCdf } from './special';

/**
 * A column as the tests see it: sorted finite numbers, or the count of each category value in
 * first-seen order (nulls removed). A reference sample is built once and judged against many
 * windows; neither form keeps anything per row that the tests do not read.
 */
export type Sample = { kind: 'numeric'; sorted: Float64Array } | { kind: 'categorical'; counts: Map<string, number>; size: number };

export function numericSample(values: Iterable<number | null | undefined>): Sample {
  // Arrays (what windows and files give) are read twice, counting the finite values first, so
  // the copy that is sorted is allocated once, at its size, with no boxed list in between.
  if (Array.isArray(values) || ArrayBuffer.isView(values)) {
    const list = values as ArrayLike<number | null | undefined>;
    let finite = 0;
    for (let i = 0; i < list.length; i++) if (Number.isFinite(list[i])) finite++;
    if (finite === list.length) return { kind: 'numeric', sorted: sortedFloat64(list as ArrayLike<number>) };
    const out = new Float64Array(finite);
    let k = 0;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (Number.isFinite(v)) out[k++] = v as number;
    }
    return { kind: 'numeric', sorted: sortedFloat64(out) };
  }
  const finite: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) finite.push(v);
  return { kind: 'numeric', sorted: sortedFloat64(finite) };
}

export function categoricalSample(values: Iterable<string | number | boolean | null | undefined>): Sample {
  const counts = new Map<string, number>();
  let size = 0;
  for (const v of values) {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    size++;
  }
  return { kind: 'categorical', counts, size };
}

export function sampleSize(s: Sample): number {
  return s.kind === 'numeric' ? s.sorted.length : s.size;
}

/** Counts per category over the categories of both samples, in first-seen order (reference first). */
export function categoryCounts(reference: Sample, current: Sample): { keys: string[]; reference: number[]; current: number[] } {
  const ref = countsOf(reference);
  const cur = countsOf(current);
  const keys = [...ref.keys()];
  for (const key of cur.keys()) if (!ref.has(key)) keys.push(key);
  return { keys, reference: keys.map((k) => ref.get(k) ?? 0), current: keys.map((k) => cur.get(k) ?? 0) };
}

/** A sample's counts per value (a numeric one's values as strings, ascending). */
function countsOf(s: Sample): Map<string, number> {
  if (s.kind === 'categorical') return s.counts;
  const counts = new Map<string, number>();
  for (const v of s.sorted) {
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Distinct values over both samples (pandas' nunique of the concatenation), counted up to
 * `limit` (callers that only compare with a small number stop early). */
export function distinctValues(reference: Sample, current: Sample, limit = Infinity): number {
  if (reference.kind === 'numeric' && current.kind === 'numeric') return distinctSorted(reference.sorted, current.sorted, limit);
  const ref = countsOf(reference);
  let distinct = ref.size;
  for (const key of countsOf(current).keys()) {
    if (distinct > limit) break;
    if (!ref.has(key)) distinct++;
  }
  return distinct;
}

/** Distinct values of two sorted arrays together, by merging them. */
function distinctSorted(a: Float64Array, b: Float64Array, limit: number): number {
  let i = 0;
  let j = 0;
  let distinct = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    distinct++;
    if (distinct > limit) return distinct;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return distinct;
}

/**
 * Evidently's chi-squared test: the current counts against the reference's shares scaled to the
 * current size (scipy.stats.chisquare(f_obs, f_exp)). A category the reference never saw has an
 * expected count of 0: the statistic is infinite and the p-value 0.
 */
export function chiSquareTest(reference: Sample, current: Sample): { statistic: number; pValue: number } {
  const counts = categoryCounts(reference, current);
  const scale = sampleSize(current) / sampleSize(reference);
  let statistic = 0;
  for (let i = 0; i < counts.keys.length; i++) {
    const expected = counts.reference[i] * scale;
    const observed = counts.current[i];
    statistic += expected === 0 ? (observed === 0 ? NaN : Infinity) : ((observed - expected) ** 2) / expected;
  }
  return { statistic, pValue: chiSquaredSf(statistic, counts.keys.length - 1) };
}

/** Evidently's two-proportion Z test on a binary column: two-sided p = 2 (1 − Φ(|z|)). */
export function twoProportionZTest(reference: Sample, current: Sample): { statistic: number; pValue: number } {
  const counts = categoryCounts(reference, current);
  if (counts.keys.length === 1) return { statistic: 0, pValue: 1 };
  // The share of one category in each sample (which one does not change |z|).
  const n1 = sampleSize(reference);
  const n2 = sampleSize(current);
  const p1 = counts.reference[0] / n1;
  const p2 = counts.current[0] / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

export function ksTest(reference: Sample, current: Sample): { statistic: number; pValue: number } {
  const r = ks2SampleSorted(numeric(reference), numeric(current));
  return { statistic: r.statistic, pValue: r.pValue };
}

/**
 * scipy.stats.wasserstein_distance: ∫ |F_a − F_b| over the merged support (both sorted). One
 * merge step per value: between equal values the width is 0, so ties need no special case.
 */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = Math.min(a[0], b[0]);
  while (i < n && j < m) {
    const fromA = a[i] <= b[j];
    const x = fromA ? a[i] : b[j];
    total += Math.abs(i / n - j / m) * (x - previous);
    previous = x;
    if (fromA) i++;
    else j++;
  }
  // One sample is used up: its CDF is 1 from here on.
  for (; i < n; i++) {
    total += Math.abs(i / n - 1) * (a[i] - previous);
    previous = a[i];
  }
  for (; j < m; j++) {
    total += Math.abs(1 - j / m) * (b[j] - previous);
    previous = b[j];
  }
  return total;
}

/** Evidently's normalized Wasserstein distance: W1 / max(std_ref (ddof 0), 0.001). */
export function normalizedWasserstein(reference: Sample, current: Sample): number {
  const ref = numeric(reference);
  const mean = neumaierSum(ref) / ref.length;
  let sumSquares = 0;
  for (let k = 0; k < ref.length; k++) sumSquares += (ref[k] - mean) ** 2;
  const std = Math.sqrt(sumSquares / ref.length);
  return wassersteinDistance(ref, numeric(current)) / Math.max(std, 0.001);
}

/**
 * Evidently's binned shares: numeric columns over 30 equal-width bins spanning both samples
 * (numpy.histogram_bin_edges), categorical ones per category; with `fillZeroes`, empty bins get
 * a small share (the smallest non-zero share / 10⁶ when that is at most 10⁻⁴, else 10⁻⁴), as
 * PSI needs.
 */
export function binnedShares(reference: Sample, current: Sample, bins = 30, fillZeroes = false): { reference: number[]; current: number[] } {
  let ref: number[];
  let cur: number[];
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const r = reference.sorted;
    const c = current.sorted;
    const min = Math.min(r[0], c[0]);
    const max = Math.max(r[r.length - 1], c[c.length - 1]);
    ref = histogramEqualWidth(r, min, max, bins).counts.map((n) => n / r.length);
    cur = histogramEqualWidth(c, min, max, bins).counts.map((n) => n / c.length);
  } else {
    const counts = categoryCounts(reference, current);
    ref = counts.reference.map((n) => n / sampleSize(reference));
    cur = counts.current.map((n) => n / sampleSize(current));
  }
  return fillZeroes ? { reference: fillEmpty(ref), current: fillEmpty(cur) } : { reference: ref, current: cur };
}

function fillEmpty(shares: number[]): number[] {
  const smallest = Math.min(...shares.filter((s) => s !== 0));
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** scipy.spatial.distance.jensenshannon(p, q) (natural log) of the binned shares. */
export function jensenShannonDistance(reference: Sample, current: Sample): number {
  const { reference: p0, current: q0 } = binnedShares(reference, current);
  const sp = p0.reduce((s, v) => s + v, 0);
  const sq = q0.reduce((s, v) => s + v, 0);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p0.length; i++) {
    const p = p0[i] / sp;
    const q = q0[i] / sq;
    const m = (p + q) / 2;
    if (p > 0) left += p * Math.log(p / m);
    if (q > 0) right += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(0, left + right) / 2);
}

/** Population stability index over the binned shares (empty bins filled): Σ (r − c) ln(r / c). */
export function populationStabilityIndex(reference: Sample, current: Sample): number {
  const { reference: r, current: c } = binnedShares(reference, current, 30, true);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return psi;
}

function numeric(s: Sample): Float64Array {
  if (s.kind !== 'numeric') throw new TypeError('this test needs a numeric column');
  if (s.sorted.length === 0) throw new RangeError('this test needs at least one value');
  return s.sorted;
}

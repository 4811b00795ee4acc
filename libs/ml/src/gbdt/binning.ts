// Feature binning for histogram-based boosting: each feature's values are replaced by a small
// integer bin so that split finding scans at most 256 histogram entries instead of sorting rows.
// The edges reproduce scikit-learn's _BinMapper bit for bit (see scripts/fixtures/gbdt_fixtures.py),
// so a model trained here splits at the same real thresholds a HistGradientBoosting model would.

import type { Matrix } from '../models';
import { sortedFloat64 } from '../sort';
import { sampleIndices, seededRandom } from './rng';

/** Non-missing bins per feature; one more bin per feature holds the missing values. */
export const MAX_BINS = 255;
/** Rows used to compute quantiles; more rows barely move them (sklearn uses the same number). */
export const BINNING_SUBSAMPLE = 200_000;
/** sklearn clips edges here so that +Infinity only ever appears as the "split on missing" threshold. */
const ALMOST_INF = 1e300;

export interface BinMapper {
  /**
   * Per feature, ascending bin upper edges: bin b holds edges[b - 1] < x <= edges[b]; the last
   * non-missing bin (index edges.length) is unbounded above.
   */
  edges: Float64Array[];
  /** Per feature, edges.length + 1; it is also the index of that feature's missing-value bin. */
  nonMissingBins: Int32Array;
}

export interface BinnedMatrix {
  rows: number;
  cols: number;
  /** Row-major (data[row * cols + f]), so a histogram pass reads each row's bins together. */
  data: Uint8Array;
  /** The same bins feature-major (byColumn[f * rows + row]), so partitioning a node on one
   * feature reads a contiguous column. */
  byColumn: Uint8Array;
}

/**
 * Bin edges of one feature from its non-missing values: midpoints between consecutive distinct
 * values when there are at most maxBins of them, else numpy's 'midpoint' percentiles at
 * linspace(0, 100, maxBins + 1)[1:-1]. Heavily tied data repeats a percentile; the repeats
 * are kept, as sklearn does, so bin numbers agree with its (the bins between them stay empty).
 */
export function featureBinEdges(values: Float64Array, maxBins = MAX_BINS): Float64Array {
  assertMaxBins(maxBins);
  const sorted = sortedFloat64(values);
  const distinct = distinctSorted(sorted);
  const edges =
    distinct.length <= maxBins ? midpoints(distinct) : percentileMidpoints(sorted, maxBins);
  for (let i = 0; i < edges.length; i++) edges[i] = Math.min(edges[i], ALMOST_INF);
  return edges;
}

/** Edges of every column of X; `seed` picks the subsample when X has more than 200 000 rows. */
export function fitBinMapper(X: Matrix, maxBins = MAX_BINS, seed = 0): BinMapper {
  assertMaxBins(maxBins);
  const sample = binningSample(X.rows, seed);
  const edges: Float64Array[] = [];
  for (let f = 0; f < X.cols; f++) edges.push(columnBinEdges(X, f, sample, maxBins));
  return binMapperOf(edges);
}

/** The rows whose values set the bin edges: a seeded subsample above 200 000 rows, else all (null). */
export function binningSample(rows: number, seed: number): Uint32Array | null {
  return rows > BINNING_SUBSAMPLE ? sampleIndices(rows, BINNING_SUBSAMPLE, seededRandom(seed)) : null;
}

/** featureBinEdges of column f of X, over the sample's rows (all when null). */
export function columnBinEdges(X: Matrix, f: number, sample: Uint32Array | null, maxBins = MAX_BINS): Float64Array {
  assertMaxBins(maxBins);
  return featureBinEdges(finiteOrInfColumn(X, f, sample), maxBins);
}

export function binMapperOf(edges: Float64Array[]): BinMapper {
  return { edges, nonMissingBins: Int32Array.from(edges, (e) => e.length + 1) };
}

/**
 * Maps every value of X to its bin; NaN goes to the feature's missing bin. `shared` puts the
 * bins in shared memory, for fit threads to read.
 */
export function binMatrix(X: Matrix, mapper: BinMapper, shared = false): BinnedMatrix {
  const binned = emptyBinnedMatrix(X.rows, X.cols, shared);
  binRows(X, mapper, binned, 0, X.rows);
  return binned;
}

export function emptyBinnedMatrix(rows: number, cols: number, shared: boolean): BinnedMatrix {
  const bytes = () => (shared ? new Uint8Array(new SharedArrayBuffer(rows * cols)) : new Uint8Array(rows * cols));
  return { rows, cols, data: bytes(), byColumn: bytes() };
}

/** Bins the rows [first, end) of X into `binned` (both layouts). */
export function binRows(X: Matrix, mapper: BinMapper, binned: BinnedMatrix, first: number, end: number): void {
  if (X.cols !== mapper.edges.length) {
    throw new RangeError(`binMatrix: X has ${X.cols} columns, the bin mapper ${mapper.edges.length}`);
  }
  const { data, byColumn } = binned;
  const padded = new Float64Array(SEARCH_SLOTS);
  for (let f = 0; f < X.cols; f++) {
    padded.fill(Infinity).set(mapper.edges[f]);
    const missingBin = mapper.nonMissingBins[f];
    for (let r = first, i = first * X.cols + f; r < end; r++, i += X.cols) {
      const x = X.data[i];
      data[i] = x !== x ? missingBin : binOf(padded, x);
      byColumn[f * X.rows + r] = data[i];
    }
  }
}

/** 2^8 - 1 slots: a fixed eight-step search covers every feature's edges, padded with +Infinity. */
const SEARCH_SLOTS = 255;

/**
 * The bin of a non-NaN value: the number of edges strictly below it (the padding never is).
 * Branch-free binary search: a data-dependent branch mispredicts half the time, costing more
 * than the comparisons themselves.
 */
function binOf(padded: Float64Array, x: number): number {
  let lo = 0;
  for (let step = 128; step > 0; step >>= 1) lo += Number(padded[lo + step - 1] < x) * step;
  return lo;
}

function assertMaxBins(maxBins: number): void {
  // Bins and the missing bin must fit a Uint8Array.
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new RangeError(`maxBins must be an integer in [2, ${MAX_BINS}], got ${maxBins}`);
  }
}

function finiteOrInfColumn(X: Matrix, f: number, sample: Uint32Array | null): Float64Array {
  const n = sample ? sample.length : X.rows;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = X.data[(sample ? sample[i] : i) * X.cols + f];
    if (x === x) out[k++] = x;
  }
  return out.subarray(0, k);
}

/** Distinct values of sorted data; -0 and 0 count as one, as in np.unique. */
function distinctSorted(sorted: Float64Array): Float64Array {
  const out = new Float64Array(sorted.length);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (k === 0 || sorted[i] !== out[k - 1]) out[k++] = sorted[i];
  }
  return out.slice(0, k);
}

function midpoints(distinct: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(distinct.length - 1, 0));
  // Same operation order as sklearn's (a + b) * 0.5, so the doubles agree exactly.
  for (let i = 0; i < out.length; i++) out[i] = (distinct[i] + distinct[i + 1]) * 0.5;
  return out;
}

/** numpy.percentile(sorted, linspace(0, 100, maxBins + 1)[1:-1], method='midpoint'). */
function percentileMidpoints(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const step = 100 / maxBins;
  const out = new Float64Array(maxBins - 1);
  for (let i = 1; i < maxBins; i++) {
    const position = (n - 1) * ((i * step) / 100);
    const lo = Math.floor(position);
    const a = sorted[lo];
    // numpy takes a value outright at an integral position, else its _lerp at t = 0.5.
    out[i - 1] = lo === Math.ceil(position) || lo >= n - 1 ? a : sorted[lo + 1] - (sorted[lo + 1] - a) * 0.5;
  }
  return out;
}

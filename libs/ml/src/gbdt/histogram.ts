// Gradient histograms: for every (feature, bin), the sums of gradients, hessians and the row count
// of one tree node. They are the whole cost of training, so the loops below touch only typed
// arrays, load each row's gradient once for all features and never allocate per row.

import type { BinMapper, BinnedMatrix } from './binning';

/** Entries per bin: gradient sum, hessian sum, row count (interleaved, one cache line per bin). */
export const STRIDE = 3;

/**
 * Every feature gets the same number of histogram slots (its bins, then its missing bin, then
 * unused ones), so a bin's position is computed rather than looked up in the hot loop.
 */
export interface HistogramLayout {
  /** Slots per feature: the largest bin count of any feature, missing bin included. */
  featureSlots: number;
  /** Per feature: its non-missing bins; its missing bin is slot nonMissingBins[f]. */
  nonMissingBins: Int32Array;
  /** Histogram length in bins (features × featureSlots). */
  totalBins: number;
}

export function histogramLayout(mapper: BinMapper): HistogramLayout {
  const nonMissingBins = mapper.nonMissingBins;
  const featureSlots = nonMissingBins.reduce((max, bins) => Math.max(max, bins + 1), 1);
  return { featureSlots, nonMissingBins, totalBins: featureSlots * nonMissingBins.length };
}

/** Recycles histogram buffers: a tree needs a handful at a time, each totalBins * 3 doubles. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  /** `allocate` makes a new buffer (shared memory when threads fill the histograms). */
  constructor(
    private readonly size: number,
    private readonly allocate: (length: number) => Float64Array = (length) => new Float64Array(length),
  ) {}

  /** A zeroed histogram. */
  acquire(): Float64Array {
    const hist = this.free.pop();
    if (!hist) return this.allocate(this.size);
    hist.fill(0);
    return hist;
  }

  release(hist: Float64Array): void {
    this.free.push(hist);
  }
}

/**
 * Adds the rows rows[start, end) into `hist` (zeroed). `hessians` null means every hessian is 1
 * (squared error): the hessian entries then stay 0 and readers use the count instead.
 * Row by row over a row-major binned matrix: each row's gradient is loaded once for all features,
 * and consecutive updates hit different features' bins instead of queueing on the same one.
 * `counts` false skips the count entries (the root copies them from a cache instead).
 */
export function buildHistogram(
  hist: Float64Array,
  binned: BinnedMatrix,
  layout: HistogramLayout,
  rows: Int32Array,
  range: { start: number; end: number },
  gradients: Float64Array,
  hessians: Float64Array | null,
  counts = true,
): void {
  const { data, cols } = binned;
  const slots = layout.featureSlots * STRIDE;
  const { start, end } = range;
  // Two rows per pass: their updates are independent, so more of them are in flight at once.
  // Each variant does only the read-modify-writes it needs: they are the whole cost.
  const pairsEnd = start + ((end - start) & ~1);
  for (let i = start; i < pairsEnd; i += 2) {
    const o1 = rows[i] * cols;
    const o2 = rows[i + 1] * cols;
    const g1 = gradients[rows[i]];
    const g2 = gradients[rows[i + 1]];
    if (hessians) {
      const h1 = hessians[rows[i]];
      const h2 = hessians[rows[i + 1]];
      if (counts) addPairGHC(hist, data, o1, o2, cols, slots, g1, h1, g2, h2);
      else addPairGH(hist, data, o1, o2, cols, slots, g1, h1, g2, h2);
    } else if (counts) addPairGC(hist, data, o1, o2, cols, slots, g1, g2);
    else addPairG(hist, data, o1, o2, cols, slots, g1, g2);
  }
  if (pairsEnd < end) {
    const r = rows[pairsEnd];
    const h = hessians ? hessians[r] : 0;
    for (let f = 0, base = 0; f < cols; f++, base += slots) {
      const b = base + data[r * cols + f] * STRIDE;
      hist[b] += gradients[r];
      hist[b + 1] += h;
      if (counts) hist[b + 2] += 1;
    }
  }
}

/** Counts per bin over all rows: the same for every tree's root, so computed once. */
export function rootCounts(binned: BinnedMatrix, layout: HistogramLayout): Float64Array {
  const counts = new Float64Array(layout.totalBins);
  const { data, cols, rows } = binned;
  for (let row = 0; row < rows; row++) {
    for (let f = 0; f < cols; f++) counts[f * layout.featureSlots + data[row * cols + f]]++;
  }
  return counts;
}

// Small enough for V8 to inline into the loop above. Suffixes: G gradient, H hessian, C count.
function addPairGHC(
  hist: Float64Array, data: Uint8Array, o1: number, o2: number, cols: number, slots: number,
  g1: number, h1: number, g2: number, h2: number,
): void {
  for (let f = 0, base = 0; f < cols; f++, base += slots) {
    const a = base + data[o1 + f] * STRIDE;
    hist[a] += g1;
    hist[a + 1] += h1;
    hist[a + 2] += 1;
    const b = base + data[o2 + f] * STRIDE;
    hist[b] += g2;
    hist[b + 1] += h2;
    hist[b + 2] += 1;
  }
}

function addPairGH(
  hist: Float64Array, data: Uint8Array, o1: number, o2: number, cols: number, slots: number,
  g1: number, h1: number, g2: number, h2: number,
): void {
  for (let f = 0, base = 0; f < cols; f++, base += slots) {
    const a = base + data[o1 + f] * STRIDE;
    hist[a] += g1;
    hist[a + 1] += h1;
    const b = base + data[o2 + f] * STRIDE;
    hist[b] += g2;
    hist[b + 1] += h2;
  }
}

function addPairGC(
  hist: Float64Array, data: Uint8Array, o1: number, o2: number, cols: number, slots: number, g1: number, g2: number,
): void {
  for (let f = 0, base = 0; f < cols; f++, base += slots) {
    const a = base + data[o1 + f] * STRIDE;
    hist[a] += g1;
    hist[a + 2] += 1;
    const b = base + data[o2 + f] * STRIDE;
    hist[b] += g2;
    hist[b + 2] += 1;
  }
}

function addPairG(
  hist: Float64Array, data: Uint8Array, o1: number, o2: number, cols: number, slots: number, g1: number, g2: number,
): void {
  for (let f = 0, base = 0; f < cols; f++, base += slots) {
    hist[base + data[o1 + f] * STRIDE] += g1;
    hist[base + data[o2 + f] * STRIDE] += g2;
  }
}

/** parent -= child, in place: the subtraction trick that yields a node's sibling for free. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

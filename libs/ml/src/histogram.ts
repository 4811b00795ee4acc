// Equal-width histogram with numpy.histogram's exact bin edges and bin-assignment rule, so a
// reference histogram computed in Python and one computed here put every value in the same bin.

export interface Histogram {
  /** Bin edges, ascending; edges.length === counts.length + 1 (both empty for no data). */
  edges: number[];
  /** Values per bin. Bins are [edge_i, edge_i+1) except the last, which is closed. */
  counts: number[];
}

/**
 * Histogram of finite `values` whose extremes are `min` and `max` (the caller already has them),
 * like numpy.histogram(values, bins). Returns empty edges and counts for no values.
 */
export function histogramEqualWidth(values: ArrayLike<number>, min: number, max: number, bins: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (values.length === 0) return { edges: [], counts: [] };
  // numpy widens a zero-width range so the single value lands in a middle bin.
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  const edges = linspace(first, last, bins);
  if (!finiteAndIncreasing(edges)) return singleBin(values.length, min, max);
  const counts = new Array<number>(bins).fill(0);
  const span = last - first;
  for (let i = 0; i < values.length; i++) counts[binIndex(values[i], first, span, edges)]++;
  return { edges, counts };
}

/**
 * numpy's rule: estimate the bin arithmetically, then correct by one against the actual edges,
 * since the arithmetic estimate can be off by one when a value sits on an edge.
 */
function binIndex(x: number, first: number, span: number, edges: number[]): number {
  const bins = edges.length - 1;
  let index = Math.trunc(((x - first) / span) * bins);
  if (index === bins) index--;
  if (x < edges[index]) index--;
  else if (x >= edges[index + 1] && index !== bins - 1) index++;
  return index;
}

/** numpy.linspace(first, last, bins + 1) with endpoint=True, operation for operation. */
function linspace(first: number, last: number, bins: number): number[] {
  const delta = last - first;
  const step = delta / bins;
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i <= bins; i++) {
    // numpy's fallback for a step that underflows to zero (denormal ranges).
    edges[i] = (step === 0 ? (i / bins) * delta : i * step) + first;
  }
  edges[bins] = last;
  return edges;
}

function finiteAndIncreasing(edges: number[]): boolean {
  if (!edges.every(Number.isFinite)) return false;
  for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) return false;
  return true;
}

/**
 * numpy raises when the range cannot be split into finite, distinct edges (a range that
 * overflows, or a constant so large that ±0.5 rounds away). A profile must not fail on odd data,
 * so it degrades to one bin holding everything.
 */
function singleBin(count: number, min: number, max: number): Histogram {
  return { edges: [min, max], counts: [count] };
}

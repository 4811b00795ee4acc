// Quantiles of already-sorted data. Kept separate from the profile so drift metrics can reuse it
// on their own samples without re-sorting for every q.

/** Sample data sorted ascending, without NaN. */
export type SortedSample = Float64Array | readonly number[];

/**
 * The q-th quantile of `sorted`, computed exactly like numpy.quantile's default method
 * ('linear', Hyndman & Fan type 7): the virtual index (n - 1) * q is interpolated between its two
 * neighbours. Matching numpy bit for bit matters because reference profiles may be produced in
 * Python and compared against profiles produced here.
 *
 * @throws RangeError when `sorted` is empty or q is outside [0, 1].
 */
export function quantileLinear(sorted: SortedSample, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantileLinear: empty sample has no quantiles');
  assertProbability(q);
  const virtualIndex = (n - 1) * q;
  // numpy takes the last value outright at (or past) the top index rather than interpolating.
  if (virtualIndex >= n - 1) return sorted[n - 1];
  const previous = Math.floor(virtualIndex);
  return lerp(sorted[previous], sorted[previous + 1], virtualIndex - previous);
}

/** Several quantiles of the same sorted sample, in the order given. */
export function quantilesLinear(sorted: SortedSample, qs: readonly number[]): number[] {
  return qs.map((q) => quantileLinear(sorted, q));
}

/** Throws unless q is a probability; exported so option validation reads the same everywhere. */
export function assertProbability(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
}

/**
 * numpy's _lerp: interpolating from the nearer end keeps the result within [a, b] and makes
 * t = 1 return b exactly, which a + (b - a) * t alone does not guarantee.
 */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

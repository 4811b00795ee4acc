// Argument checks shared by the metrics: a metric of mismatched or empty inputs is a bug in the
// caller, reported as a RangeError naming the metric rather than as a silent NaN.

export function checkPaired(metric: string, yTrue: ArrayLike<unknown>, yOther: ArrayLike<unknown>): void {
  if (yTrue.length !== yOther.length) {
    throw new RangeError(`${metric}: yTrue has ${yTrue.length} values, the other argument ${yOther.length}`);
  }
  if (yTrue.length === 0) throw new RangeError(`${metric}: no values`);
}

/** Distinct values, ascending (sklearn's unique_labels order). */
export function sortedLabels(...arrays: ArrayLike<number>[]): number[] {
  const labels = new Set<number>();
  for (const values of arrays) for (let i = 0; i < values.length; i++) labels.add(values[i]);
  return [...labels].sort((a, b) => a - b);
}

/** Position of each value in `labels`; RangeError for a value not among them. */
export function labelIndices(metric: string, values: ArrayLike<number>, labels: readonly number[]): Int32Array {
  const index = new Map(labels.map((label, i) => [label, i]));
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]);
    if (k === undefined) throw new RangeError(`${metric}: label ${values[i]} is not among [${labels.join(', ')}]`);
    out[i] = k;
  }
  return out;
}

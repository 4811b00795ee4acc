// Mean and standard deviation that stay accurate when values share a large offset (timestamps,
// prices, ids around 1e9): the textbook E[x²] - E[x]² loses every significant digit there.

export interface Moments {
  mean: number;
  /** Sample standard deviation (ddof = 1, like pandas); 0 for fewer than two values. */
  std: number;
}

/**
 * Two-pass moments of finite values: a compensated sum for the mean, then the corrected two-pass
 * variance (Chan, Golub & LeVeque), whose correction term cancels the mean's residual rounding
 * error. Requires at least one value.
 */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) throw new RangeError('moments: no values');
  const mean = neumaierSum(values) / n;
  if (n < 2) return { mean, std: 0 };
  let sumDev = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    sumDev += d;
    sumSquares += d * d;
  }
  const variance = (sumSquares - (sumDev * sumDev) / n) / (n - 1);
  // Rounding can leave a constant column with a variance of -1e-30; a std must not be NaN.
  return { mean, std: Math.sqrt(Math.max(variance, 0)) };
}

/**
 * Kahan–Babuška–Neumaier summation: the error no longer grows with n, so the mean of many values
 * is as accurate as numpy's pairwise sum or better.
 */
export function neumaierSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const t = sum + x;
    // Recover the low-order bits lost in t from whichever operand was smaller.
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

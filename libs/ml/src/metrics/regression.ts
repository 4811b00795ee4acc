// Regression metrics, defined as scikit-learn's (mean_squared_error, mean_absolute_error, r2_score).

import { neumaierSum } from '../moments';
import { checkPaired } from './validate';

function meanOf(n: number, term: (i: number) => number): number {
  return neumaierSum(Float64Array.from({ length: n }, (_, i) => term(i))) / n;
}

/** Root mean squared error. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired('rmse', yTrue, yPred);
  return Math.sqrt(meanOf(yTrue.length, (i) => (yTrue[i] - yPred[i]) ** 2));
}

/** Mean absolute error. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired('mae', yTrue, yPred);
  return meanOf(yTrue.length, (i) => Math.abs(yTrue[i] - yPred[i]));
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot. For a constant yTrue (SS_tot = 0) it is
 * 1 when the predictions are exact and 0 otherwise, sklearn's force_finite=True rule, so a
 * metric never becomes NaN or -Infinity.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired('r2', yTrue, yPred);
  const n = yTrue.length;
  const mean = meanOf(n, (i) => yTrue[i]);
  const residual = meanOf(n, (i) => (yTrue[i] - yPred[i]) ** 2) * n;
  const total = meanOf(n, (i) => (yTrue[i] - mean) ** 2) * n;
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

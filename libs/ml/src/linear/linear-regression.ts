// Ordinary least squares and ridge regression by the normal equations on standardized features,
// giving scikit-learn's LinearRegression / Ridge(alpha) coefficients on the raw features.

import { columnStats, standardize } from '../data/matrix';
import type { LinearRegressionModel, Matrix } from '../models';
import { neumaierSum } from '../moments';
import { cholesky, choleskySolve } from './cholesky';

export interface LinearRegressionOptions {
  /** L2 penalty α·‖coef‖² on the raw-scale coefficients (sklearn's Ridge alpha); 0, the default, is OLS. */
  alpha?: number;
  featureNames: string[];
}

/**
 * Minimizes ‖y - X·coef - intercept‖² + α‖coef‖², the intercept unpenalized (as sklearn's Ridge
 * with fit_intercept). Solved as (ZᵀZ + α·diag(1/s²))·v = Zᵀ(y - ȳ) with Z the standardized X
 * and coef = v / s: the same minimizer, but a far better conditioned system than XᵀX when
 * features differ in scale. One step of iterative refinement recovers most of the digits the
 * remaining conditioning costs. Constant columns get coefficient 0.
 * Throws RangeError for collinear features when alpha is 0 (sklearn would return the
 * minimum-norm solution; pass a small alpha instead).
 */
export function fitLinearRegression(X: Matrix, y: ArrayLike<number>, options: LinearRegressionOptions): LinearRegressionModel {
  const alpha = options.alpha ?? 0;
  checkInputs(X, y, options.featureNames, alpha);
  const stats = columnStats(X);
  const Z = standardize(X, stats);
  const yMean = neumaierSum(y) / X.rows;
  const yc = Float64Array.from(y, (v) => v - yMean);
  const p = X.cols;
  const gram = transposeTimes(Z, Z.data, p);
  for (let j = 0; j < p; j++) {
    // A constant column is all zeros in Z; a unit diagonal pins its coefficient at 0.
    gram[j * p + j] += stats.std[j] === 0 ? 1 : alpha / stats.scale[j] ** 2;
  }
  const rhs = transposeTimes(Z, yc, 1);
  const l = cholesky(gram, p);
  const v = choleskySolve(l, p, rhs);
  const residual = Float64Array.from(rhs, (r, i) => r - dot(gram, i * p, v));
  choleskySolve(l, p, residual).forEach((d, i) => (v[i] += d));
  const coef = Array.from(v, (vj, j) => vj / stats.scale[j]);
  const intercept = yMean - coef.reduce((acc, c, j) => acc + c * stats.mean[j], 0);
  return { kind: 'linear_regression', featureNames: [...options.featureNames], coef, intercept };
}

/** X·coef + intercept for every row. */
export function predictLinear(model: LinearRegressionModel, X: Matrix): Float64Array {
  if (X.cols !== model.coef.length) throw new RangeError(`predictLinear: model has ${model.coef.length} features, X has ${X.cols} columns`);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = model.intercept;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] * model.coef[j];
    out[i] = s;
  }
  return out;
}

function checkInputs(X: Matrix, y: ArrayLike<number>, featureNames: string[], alpha: number): void {
  if (X.rows === 0) throw new RangeError('fitLinearRegression: X has no rows');
  if (y.length !== X.rows) throw new RangeError(`fitLinearRegression: X has ${X.rows} rows, y ${y.length} values`);
  if (featureNames.length !== X.cols) throw new RangeError(`fitLinearRegression: ${featureNames.length} feature names for ${X.cols} columns`);
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new RangeError(`fitLinearRegression: alpha must be finite and >= 0, got ${alpha}`);
  if (!X.data.every(Number.isFinite) || !Array.prototype.every.call(y, Number.isFinite)) {
    throw new RangeError('fitLinearRegression: X and y must be finite (impute missing values first)');
  }
}

/** Aᵀ·B for A (n × p) and B (n × m), both row-major; the result is p × m. */
function transposeTimes(A: Matrix, b: Float64Array, m: number): Float64Array {
  const p = A.cols;
  const out = new Float64Array(p * m);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < p; j++) {
      const a = A.data[i * p + j];
      if (a === 0) continue;
      for (let k = 0; k < m; k++) out[j * m + k] += a * b[i * m + k];
    }
  }
  return out;
}

function dot(a: Float64Array, offset: number, v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += a[offset + k] * v[k];
  return s;
}

// Logistic regression with scikit-learn's objective (LogisticRegression(penalty='l2', C),
// multinomial for more than two classes): the model sklearn would reach if fully converged.
// The fit runs on standardized features for conditioning; the scaling is folded back, so the
// returned model scores raw features.

import { columnStats, standardize } from '../data/matrix';
import type { LogisticRegressionModel, Matrix } from '../models';
import { labelIndices, sortedLabels } from '../metrics/validate';
import { evaluateLogistic, type LogisticProblem } from './logistic-objective';
import { minimizeNewtonCg } from './newton-cg';

export interface LogisticRegressionOptions {
  /** Inverse L2 strength, as sklearn's C: the objective is Σ log-losses + ‖coef‖² / (2C). Default 1. */
  C?: number;
  /** Newton iterations; default 100 (the bundled datasets need about 10). */
  maxIter?: number;
  /**
   * Stop when every gradient component of the objective divided by the row count, taken with
   * respect to the standardized-feature parameters, is ≤ tol. Default 1e-10: Newton steps converge
   * quadratically, so that costs about one step more than 1e-6 and gives coefficients to ~1e-9.
   */
  tol?: number;
  /**
   * Where the L2 penalty is taken. False (the default) is sklearn's LogisticRegression on the
   * raw features: ‖coef‖² on the raw-scale coefficients. True is sklearn's
   * make_pipeline(StandardScaler(), LogisticRegression()): ‖coef‖² on the coefficients of the
   * standardized features (mean 0, population std 1), so no feature is shrunk harder for being
   * measured in small units. Either way the returned model scores raw features.
   */
  standardize?: boolean;
  featureNames: string[];
}

export interface LogisticFitInfo {
  iterations: number;
  /** max |gradient| at the solution (same scale as tol). */
  gradientMax: number;
  /** False when maxIter ran out or rounding stopped progress above tol; the model is still the best found. */
  converged: boolean;
}

/** The fitted model. Binary for two distinct labels, multinomial for more; labels may be any numbers. */
export function fitLogisticRegression(X: Matrix, y: ArrayLike<number>, options: LogisticRegressionOptions): LogisticRegressionModel {
  return fitLogisticRegressionWithInfo(X, y, options).model;
}

/** fitLogisticRegression, plus how the optimisation ended. */
export function fitLogisticRegressionWithInfo(
  X: Matrix,
  y: ArrayLike<number>,
  options: LogisticRegressionOptions,
): { model: LogisticRegressionModel; info: LogisticFitInfo } {
  const { C = 1, maxIter = 100, tol = 1e-10, featureNames } = options;
  const penaltyOnStandardized = options.standardize ?? false;
  checkInputs(X, y, featureNames, C);
  const classes = sortedLabels(y);
  if (classes.length < 2) throw new RangeError(`fitLogisticRegression: y has a single class (${classes[0]}); need at least two`);
  const stats = columnStats(X);
  const outputs = classes.length === 2 ? 1 : classes.length;
  const problem: LogisticProblem = {
    z: standardize(X, stats).data,
    n: X.rows,
    p: X.cols,
    outputs,
    target: labelIndices('fitLogisticRegression', y, classes),
    penalty: stats.scale.map((s) => (penaltyOnStandardized ? 1 / C : 1 / C / (s * s))),
  };
  const start = new Float64Array(outputs * (X.cols + 1));
  const result = minimizeNewtonCg((theta) => evaluateLogistic(problem, theta), start, { tol, maxIter });
  const { coef, intercept } = foldScaling(result.x, stats.mean, stats.scale, outputs);
  const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: [...featureNames], classes, coef, intercept };
  return { model, info: { iterations: result.iterations, gradientMax: result.gradientMax, converged: result.converged } };
}

/**
 * Raw-feature parameters from standardized ones: w = v / scale, b = b_std − Σ w·mean.
 * Multinomial intercepts are shifted to sum to 0 (what sklearn's L-BFGS keeps implicitly, since
 * a common shift changes no probability and the intercepts are not penalized).
 */
function foldScaling(theta: Float64Array, mean: Float64Array, scale: Float64Array, outputs: number) {
  const p = mean.length;
  const coef = Array.from({ length: outputs }, (_, k) => Array.from({ length: p }, (_, j) => theta[k * p + j] / scale[j]));
  const intercept = coef.map((row, k) => theta[outputs * p + k] - row.reduce((acc, w, j) => acc + w * mean[j], 0));
  if (outputs > 1) {
    const shift = intercept.reduce((a, b) => a + b, 0) / outputs;
    intercept.forEach((_, k) => (intercept[k] -= shift));
  }
  return { coef, intercept };
}

// predictLogistic* rather than predictProba / predictClass: the package index also exports the
// gradient-boosted trees' functions of those names.

/** Class probabilities per row, columns in `model.classes` order. */
export function predictLogisticProba(model: LogisticRegressionModel, X: Matrix): Float64Array[] {
  const p = model.featureNames.length;
  if (X.cols !== p) throw new RangeError(`predictLogisticProba: model has ${p} features, X has ${X.cols} columns`);
  return Array.from({ length: X.rows }, (_, i) => {
    const x = X.data.subarray(i * p, (i + 1) * p);
    const s = model.coef.map((w, k) => w.reduce((acc, wj, j) => acc + wj * x[j], model.intercept[k]));
    if (s.length === 1) return Float64Array.of(1 / (1 + Math.exp(s[0])), 1 / (1 + Math.exp(-s[0])));
    const max = Math.max(...s);
    const e = Float64Array.from(s, (v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
}

/** The most probable class of each row (the first in `classes` order on an exact tie, like numpy's argmax). */
export function predictLogisticClass(model: LogisticRegressionModel, X: Matrix): number[] {
  return predictLogisticProba(model, X).map((row) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
    return model.classes[best];
  });
}

function checkInputs(X: Matrix, y: ArrayLike<number>, featureNames: string[], C: number): void {
  if (X.rows === 0) throw new RangeError('fitLogisticRegression: X has no rows');
  if (y.length !== X.rows) throw new RangeError(`fitLogisticRegression: X has ${X.rows} rows, y ${y.length} values`);
  if (featureNames.length !== X.cols) throw new RangeError(`fitLogisticRegression: ${featureNames.length} feature names for ${X.cols} columns`);
  if (!(Number.isFinite(C) && C > 0)) throw new RangeError(`fitLogisticRegression: C must be finite and > 0, got ${C}`);
  if (!X.data.every(Number.isFinite)) throw new RangeError('fitLogisticRegression: X must be finite (impute missing values first)');
  if (!Array.prototype.every.call(y, Number.isFinite)) throw new RangeError('fitLogisticRegression: labels must be finite numbers');
}

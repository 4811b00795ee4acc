// The boosting losses: their baseline raw scores, gradients and hessians with respect to the raw
// scores, and the loss value reported per iteration and used for early stopping. Targets arrive
// encoded: the value itself for regression, the class index (0 .. K-1) for classifiers.

import type { Task } from '../models';

export interface Loss {
  /** The task it is the loss of (lossFor(task, outputs) makes it again, in a worker thread). */
  readonly task: Task;
  /** Raw scores per row: 1, or one per class for multiclass. */
  readonly outputs: number;
  /** Every hessian is 1, so the trainer can skip them (squared error). */
  readonly constantHessian: boolean;
  /** The constant raw scores minimizing the loss: where boosting starts. */
  baseline(y: Float64Array): number[];
  /** Fills gradients and (unless constantHessian) hessians, per output, for the raw scores. */
  gradients(raw: Float64Array[], y: Float64Array, gradients: Float64Array[], hessians: Float64Array[]): void;
  /** Mean loss: squared error, or log loss (natural log) for classifiers. */
  loss(raw: Float64Array[], y: Float64Array): number;
}

// Keeps the baseline log-odds finite when the training data holds a single class.
const PROBABILITY_CLIP = 1e-15;

export function sigmoid(raw: number): number {
  if (raw >= 0) return 1 / (1 + Math.exp(-raw));
  const e = Math.exp(raw);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Squared error: gradient raw - y, hessian 1, baseline the mean. */
export const squaredError: Loss = {
  task: 'regression',
  outputs: 1,
  constantHessian: true,
  baseline: (y) => [mean(y)],
  gradients([raw], y, [g]) {
    for (let i = 0; i < y.length; i++) g[i] = raw[i] - y[i];
  },
  loss([raw], y) {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += (raw[i] - y[i]) * (raw[i] - y[i]);
    return sum / y.length;
  },
};

/** Binary log loss on p = sigmoid(raw): gradient p - y, hessian p(1 - p), baseline the log-odds. */
export const binaryLogLoss: Loss = {
  task: 'binary',
  outputs: 1,
  constantHessian: false,
  baseline(y) {
    const p = Math.min(Math.max(mean(y), PROBABILITY_CLIP), 1 - PROBABILITY_CLIP);
    return [Math.log(p / (1 - p))];
  },
  gradients([raw], y, [g], [h]) {
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(raw[i]);
      g[i] = p - y[i];
      h[i] = p * (1 - p);
    }
  },
  loss([raw], y) {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += softplus(raw[i]) - y[i] * raw[i];
    return sum / y.length;
  },
};

/**
 * Multinomial log loss on softmax(raw): for class k, gradient p_k - [y = k] and hessian
 * p_k(1 - p_k) (the diagonal, as in sklearn and LightGBM), baseline the log class priors.
 */
export function multinomialLogLoss(classes: number): Loss {
  const p = new Float64Array(classes);
  return {
    task: 'multiclass',
    outputs: classes,
    constantHessian: false,
    baseline(y) {
      const counts = new Float64Array(classes);
      for (let i = 0; i < y.length; i++) counts[y[i]]++;
      return Array.from(counts, (c) => Math.log(Math.max(c / y.length, PROBABILITY_CLIP)));
    },
    gradients(raw, y, g, h) {
      for (let i = 0; i < y.length; i++) {
        softmaxRow(raw, i, p);
        for (let k = 0; k < classes; k++) {
          g[k][i] = p[k] - (y[i] === k ? 1 : 0);
          h[k][i] = p[k] * (1 - p[k]);
        }
      }
    },
    loss(raw, y) {
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += logSumExpRow(raw, i) - raw[y[i]][i];
      return sum / y.length;
    },
  };
}

export function lossFor(task: Task, classes: number): Loss {
  if (task === 'regression') return squaredError;
  if (task === 'binary') return binaryLogLoss;
  return multinomialLogLoss(classes);
}

/** Softmax of row i of per-output raw scores, written into `out`. */
export function softmaxRow(raw: Float64Array[], i: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < raw.length; k++) max = Math.max(max, raw[k][i]);
  let sum = 0;
  for (let k = 0; k < raw.length; k++) {
    out[k] = Math.exp(raw[k][i] - max);
    sum += out[k];
  }
  for (let k = 0; k < raw.length; k++) out[k] /= sum;
}

function logSumExpRow(raw: Float64Array[], i: number): number {
  let max = -Infinity;
  for (let k = 0; k < raw.length; k++) max = Math.max(max, raw[k][i]);
  let sum = 0;
  for (let k = 0; k < raw.length; k++) sum += Math.exp(raw[k][i] - max);
  return max + Math.log(sum);
}

function mean(y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  return y.length > 0 ? sum / y.length : 0;
}

// sklearn's L2-regularized logistic regression objective, on standardized features, divided by
// the number of rows so gradients are O(1) whatever the data size:
//   (Σᵢ −log p(yᵢ | xᵢ) + ½ Σₖ Σⱼ penaltyⱼ·Wₖⱼ²) / n.
// Binary: one output, p(class 1) = σ(s). Multinomial: one output per class, softmax — the
// over-parameterized form sklearn uses, identifiable because every coefficient row is penalized.
// Parameters: W (outputs × p, row-major), then the outputs' intercepts, which are not penalized.

import type { Evaluation } from './newton-cg';

export interface LogisticProblem {
  /** Standardized features, n × p row-major. */
  z: Float64Array;
  n: number;
  p: number;
  /** 1 for binary, the number of classes for multinomial. */
  outputs: number;
  /** Class index of each row (0 or 1 when binary). */
  target: Int32Array;
  /** L2 weight of each feature's coefficients: (1/C) / scaleⱼ², which is sklearn's penalty on the raw coefficients. */
  penalty: Float64Array;
}

/** Scores S = Z·Wᵀ + b for parameters laid out as described above, n × outputs. */
function scores(problem: LogisticProblem, theta: Float64Array): Float64Array {
  const { z, n, p, outputs } = problem;
  const s = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outputs; k++) {
      let acc = theta[outputs * p + k];
      for (let j = 0; j < p; j++) acc += z[i * p + j] * theta[k * p + j];
      s[i * outputs + k] = acc;
    }
  }
  return s;
}

/**
 * Turns per-row score-space quantities R (n × outputs) into parameter space, Rᵀ·[Z 1], adds
 * penalty∘W and divides by n: the shared last step of the gradient and of Hessian products.
 */
function backProject(problem: LogisticProblem, r: Float64Array, w: Float64Array): Float64Array {
  const { z, n, p, outputs, penalty } = problem;
  const out = new Float64Array(outputs * (p + 1));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outputs; k++) {
      const rik = r[i * outputs + k];
      for (let j = 0; j < p; j++) out[k * p + j] += rik * z[i * p + j];
      out[outputs * p + k] += rik;
    }
  }
  for (let k = 0; k < outputs; k++) for (let j = 0; j < p; j++) out[k * p + j] += penalty[j] * w[k * p + j];
  return out.map((v) => v / n);
}

/** log(1 + eˣ) without overflow or loss of small values. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Probabilities (n × outputs) and the summed negative log-likelihood. Binary uses σ(s) for class
 * 1; multinomial a max-shifted softmax, so large scores neither overflow nor underflow to NaN.
 */
export function probabilities(problem: LogisticProblem, s: Float64Array): { prob: Float64Array; loss: number } {
  const { n, outputs, target } = problem;
  const prob = new Float64Array(n * outputs);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (outputs === 1) {
      const si = s[i];
      prob[i] = 1 / (1 + Math.exp(-si));
      loss += softplus(si) - (target[i] === 1 ? si : 0);
      continue;
    }
    const row = s.subarray(i * outputs, (i + 1) * outputs);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    const logSum = max + Math.log(sum);
    for (let k = 0; k < outputs; k++) prob[i * outputs + k] = Math.exp(row[k] - logSum);
    loss += logSum - row[target[i]];
  }
  return { prob, loss };
}

export function evaluateLogistic(problem: LogisticProblem, theta: Float64Array): Evaluation {
  const { n, p, outputs, target, penalty } = problem;
  const { prob, loss } = probabilities(problem, scores(problem, theta));
  let penaltySum = 0;
  for (let k = 0; k < outputs; k++) for (let j = 0; j < p; j++) penaltySum += penalty[j] * theta[k * p + j] ** 2;
  const residual = Float64Array.from(prob);
  for (let i = 0; i < n; i++) {
    if (outputs === 1) residual[i] -= target[i];
    else residual[i * outputs + target[i]] -= 1;
  }
  return {
    value: (loss + 0.5 * penaltySum) / n,
    gradient: backProject(problem, residual, theta),
    hessianTimes: (v) => backProject(problem, curvatureTimes(problem, prob, scores(problem, v)), v),
    hessianDiagonal: () => hessianDiagonal(problem, prob),
  };
}

/**
 * The loss Hessian in score space applied to U (n × outputs) = Z·Vᵀ + v_b, per row:
 * binary p(1−p)·u; multinomial pₖ(uₖ − Σₗ pₗuₗ), i.e. (diag(p) − ppᵀ)·u.
 */
function curvatureTimes(problem: LogisticProblem, prob: Float64Array, u: Float64Array): Float64Array {
  const { n, outputs } = problem;
  const out = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < outputs; k++) mean += prob[i * outputs + k] * u[i * outputs + k];
    for (let k = 0; k < outputs; k++) {
      const pk = prob[i * outputs + k];
      out[i * outputs + k] = outputs === 1 ? pk * (1 - pk) * u[i] : pk * (u[i * outputs + k] - mean);
    }
  }
  return out;
}

function hessianDiagonal(problem: LogisticProblem, prob: Float64Array): Float64Array {
  const { z, n, p, outputs, penalty } = problem;
  const out = new Float64Array(outputs * (p + 1));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outputs; k++) {
      const pk = prob[i * outputs + k];
      const weight = pk * (1 - pk);
      for (let j = 0; j < p; j++) out[k * p + j] += weight * z[i * p + j] ** 2;
      out[outputs * p + k] += weight;
    }
  }
  for (let k = 0; k < outputs; k++) for (let j = 0; j < p; j++) out[k * p + j] += penalty[j];
  // Saturated probabilities can leave an intercept's curvature at 0; keep the preconditioner finite.
  return out.map((v) => Math.max(v, 1e-12 * n) / n);
}

// A deliberately naive float64 scorer that follows the model docs in libs/ml/src/models.ts line by line.
// The ONNX specs compare exported graphs against it, so they do not depend on the trainers'
// own predict functions (which are verified against ONNX at export time anyway).
import type { GradientBoostedTreesModel, Matrix, TrainedModel, TreeNode } from '../../models';
import type { ReferencePrediction } from '../verify';

export function referenceScore(model: TrainedModel, X: Matrix): ReferencePrediction {
  const rows = Array.from({ length: X.rows }, (_, r) => Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)));
  switch (model.kind) {
    case 'linear_regression':
      return { values: Float64Array.from(rows, (x) => dot(x, model.coef) + model.intercept) };
    case 'logistic_regression':
      return { probabilities: rows.map((x) => link(model.coef.map((c, k) => dot(x, c) + model.intercept[k]))) };
    case 'gradient_boosted_trees':
      return scoreTrees(model, rows);
  }
}

function scoreTrees(model: GradientBoostedTreesModel, rows: number[][]): ReferencePrediction {
  const raw = rows.map((x) =>
    model.baseScore.map((base, k) => model.trees.reduce((sum, iteration) => sum + leafValue(iteration[k], x), base)),
  );
  if (model.task === 'regression') return { values: Float64Array.from(raw, (r) => r[0]) };
  return { probabilities: raw.map(link) };
}

function leafValue(tree: TreeNode[], x: number[]): number {
  let node = tree[0];
  while (node.feature >= 0) {
    const v = x[node.feature];
    const left = Number.isNaN(v) ? node.missingGoesLeft : v <= node.threshold;
    node = tree[left ? node.left : node.right];
  }
  return node.value;
}

function dot(x: number[], coef: number[]): number {
  return x.reduce((sum, v, i) => sum + v * coef[i], 0);
}

/** One score: the log-odds of the second class. Several: softmax. */
function link(scores: number[]): Float64Array {
  if (scores.length === 1) {
    const p = 1 / (1 + Math.exp(-scores[0]));
    return Float64Array.of(1 - p, p);
  }
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return Float64Array.from(exps, (e) => e / total);
}

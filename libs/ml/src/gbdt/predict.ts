// Scoring of a GradientBoostedTreesModel on raw float features: the trees hold real thresholds,
// so no bin mapper is needed at prediction time (and the ONNX export scores the same way).

import type { GradientBoostedTreesModel, Matrix, TreeNode } from '../models';
import { sigmoid, softmaxRow } from './losses';

/** The value of one tree for row `row` of X (x <= threshold goes left; NaN follows missingGoesLeft). */
export function scoreTree(nodes: readonly TreeNode[], X: Matrix, row: number): number {
  let node = nodes[0];
  const offset = row * X.cols;
  while (node.feature >= 0) {
    const x = X.data[offset + node.feature];
    const left = x !== x ? node.missingGoesLeft : x <= node.threshold;
    node = nodes[left ? node.left : node.right];
  }
  return node.value;
}

/** Adds one tree's values for every row of X to `raw`. */
export function addTreeScores(nodes: readonly TreeNode[], X: Matrix, raw: Float64Array): void {
  for (let r = 0; r < X.rows; r++) raw[r] += scoreTree(nodes, X, r);
}

/** Raw scores per output (baseScore + Σ trees): one array of X.rows for each output. */
export function predictRaw(model: GradientBoostedTreesModel, X: Matrix): Float64Array[] {
  if (X.cols !== model.featureNames.length) {
    throw new RangeError(`predict: X has ${X.cols} columns, the model ${model.featureNames.length} features`);
  }
  const raw = model.baseScore.map((base) => new Float64Array(X.rows).fill(base));
  for (const iteration of model.trees) {
    iteration.forEach((tree, k) => addTreeScores(tree, X, raw[k]));
  }
  return raw;
}

/** Class probabilities, one array per class in `model.classes` order (binary: [1 - p, p]). */
export function predictProba(model: GradientBoostedTreesModel, X: Matrix): Float64Array[] {
  const raw = predictRaw(model, X);
  if (model.task === 'binary') {
    const positive = raw[0].map(sigmoid);
    return [positive.map((p) => 1 - p), positive];
  }
  if (model.task !== 'multiclass') throw new TypeError('predictProba: a regression model has no probabilities');
  return softmaxColumns(raw);
}

/** Predictions of a regression model. */
export function predictValue(model: GradientBoostedTreesModel, X: Matrix): Float64Array {
  if (model.task !== 'regression') throw new TypeError(`predictValue: expected a regression model, got ${model.task}`);
  return predictRaw(model, X)[0];
}

/** The most probable class label per row (ties go to the first class). */
export function predictClass(model: GradientBoostedTreesModel, X: Matrix): Float64Array {
  if (model.task === 'regression') throw new TypeError('predictClass: a regression model has no classes');
  const raw = predictRaw(model, X);
  const out = new Float64Array(X.rows);
  for (let r = 0; r < X.rows; r++) out[r] = model.classes[argmaxRaw(raw, r, model.task === 'binary')];
  return out;
}

function softmaxColumns(raw: Float64Array[]): Float64Array[] {
  const rows = raw[0]?.length ?? 0;
  const proba = raw.map(() => new Float64Array(rows));
  const p = new Float64Array(raw.length);
  for (let r = 0; r < rows; r++) {
    softmaxRow(raw, r, p);
    for (let k = 0; k < raw.length; k++) proba[k][r] = p[k];
  }
  return proba;
}

/** Softmax and sigmoid are monotone, so the raw scores decide the class on their own. */
function argmaxRaw(raw: Float64Array[], r: number, binary: boolean): number {
  if (binary) return raw[0][r] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < raw.length; k++) if (raw[k][r] > raw[best][r]) best = k;
  return best;
}

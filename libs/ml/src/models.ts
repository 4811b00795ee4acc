/**
 * The trained models of the platform's built-in trainers, as plain data (JSON-serializable).
 * Trainers produce them, `predict*` functions score them, and the ONNX exporter turns them into
 * graphs that onnxruntime runs with the same results. Features are always a dense float matrix
 * (rows × features) in the order of `featureNames`; any scaling is folded into the parameters.
 */

/** Row-major dense matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export type Task = 'binary' | 'multiclass' | 'regression';

/** Linear or ridge regression: y = x · coef + intercept. */
export interface LinearRegressionModel {
  kind: 'linear_regression';
  featureNames: string[];
  coef: number[];
  intercept: number;
}

/**
 * Logistic regression. Binary: one row of coefficients, p(class 1) = sigmoid(x · coef[0] + intercept[0]).
 * Multinomial: one row per class, probabilities = softmax(x · coef[k] + intercept[k]).
 * `classes` are the original label values, in probability-column order.
 */
export interface LogisticRegressionModel {
  kind: 'logistic_regression';
  featureNames: string[];
  classes: number[];
  coef: number[][];
  intercept: number[];
}

/** A node of a regression tree, in an array: leaves have feature = -1. A row goes left when
 * x[feature] <= threshold, or when x[feature] is missing (NaN) and missingGoesLeft. */
export interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  missingGoesLeft: boolean;
  /** Leaf value (already multiplied by the learning rate). */
  value: number;
}

/**
 * Gradient-boosted trees. The raw score of output k is baseScore[k] + Σ trees[i][k](x).
 * binary: one output, p(class 1) = sigmoid(raw). multiclass: one output per class, softmax.
 * regression: one output, the prediction itself.
 */
export interface GradientBoostedTreesModel {
  kind: 'gradient_boosted_trees';
  task: Task;
  featureNames: string[];
  /** For classifiers: original label values in output order. Empty for regression. */
  classes: number[];
  baseScore: number[];
  /** trees[iteration][output] */
  trees: TreeNode[][][];
}

export type TrainedModel = LinearRegressionModel | LogisticRegressionModel | GradientBoostedTreesModel;

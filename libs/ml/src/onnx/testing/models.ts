// Hand-written models and samples for the ONNX specs: small enough to reason about, but covering
// every routing case of the tree ensemble (missing values both ways, rows on a threshold, a
// threshold float32 cannot represent, a single-leaf tree).
import type {
  GradientBoostedTreesModel,
  LinearRegressionModel,
  LogisticRegressionModel,
  Matrix,
  TreeNode,
} from '../../models';
import { float32AtMost } from '../float32';

const FEATURES = ['age', 'income', 'score'];

export const linearRegression: LinearRegressionModel = {
  kind: 'linear_regression',
  featureNames: FEATURES,
  coef: [0.5, -1.25, 2],
  intercept: 3,
};

/** Predictions around 1e5, where float32 has about 0.01 of absolute precision. */
export const largeLinearRegression: LinearRegressionModel = {
  kind: 'linear_regression',
  featureNames: FEATURES,
  coef: [1000, 2000, -500.123],
  intercept: 100000,
};

export const binaryLogistic: LogisticRegressionModel = {
  kind: 'logistic_regression',
  featureNames: FEATURES,
  classes: [0, 1],
  coef: [[1.5, -2, 0.25]],
  intercept: [0.1],
};

/** Non-contiguous class values, so the label must come from the classes table, not the index. */
export const multinomialLogistic: LogisticRegressionModel = {
  kind: 'logistic_regression',
  featureNames: FEATURES,
  classes: [3, 7, 9],
  coef: [
    [1, -0.5, 0.2],
    [-0.3, 0.8, -1],
    [0.1, 0.1, 0.7],
  ],
  intercept: [0.2, -0.1, 0],
};

function leaf(value: number): TreeNode {
  return { feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value };
}

function split(feature: number, threshold: number, left: number, right: number, missingGoesLeft: boolean): TreeNode {
  return { feature, threshold, left, right, missingGoesLeft, value: 0 };
}

/** 0.1 is not a float32: the nearest float32 is above it, which is exactly the dangerous case. */
export const INEXACT_THRESHOLD = 0.1;

/** Root on feature 0 at 0.5 (exact in float32), missing → left; right child on feature 1 at 0.1, missing → right. */
const treeA: TreeNode[] = [
  split(0, 0.5, 1, 2, true),
  leaf(-1),
  split(1, INEXACT_THRESHOLD, 3, 4, false),
  leaf(2),
  leaf(5),
];

/** Children listed before their parent's siblings, and the root's left child deeper than its right. */
const treeB: TreeNode[] = [
  split(2, -0.3, 2, 1, false),
  leaf(0.25),
  split(0, 1.75, 3, 4, true),
  leaf(-0.5),
  leaf(0.75),
];

const treeC: TreeNode[] = [split(1, INEXACT_THRESHOLD, 1, 2, true), leaf(10), leaf(-10)];

export const gbdtRegression: GradientBoostedTreesModel = {
  kind: 'gradient_boosted_trees',
  task: 'regression',
  featureNames: FEATURES,
  classes: [],
  baseScore: [1.5],
  trees: [[treeA], [treeB], [treeC]],
};

export const gbdtBinary: GradientBoostedTreesModel = {
  kind: 'gradient_boosted_trees',
  task: 'binary',
  featureNames: FEATURES,
  classes: [0, 1],
  baseScore: [-0.2],
  trees: [[treeA], [treeC]],
};

export const gbdtMulticlass: GradientBoostedTreesModel = {
  kind: 'gradient_boosted_trees',
  task: 'multiclass',
  featureNames: FEATURES,
  classes: [0, 1, 2],
  baseScore: [0.1, -0.1, 0],
  trees: [
    [treeA, treeB, treeC],
    [treeC, [leaf(0.3)], treeA],
  ],
};

export const gbdtWithoutTrees: GradientBoostedTreesModel = { ...gbdtRegression, baseScore: [4.25], trees: [] };

/**
 * Rows that hit every branch: on the exact threshold 0.5, on both sides of 0.1 in float32, NaN in
 * each split feature, then a deterministic pseudo-random spread.
 */
export function sampleRows(randomRows = 200): Matrix {
  const below = float32AtMost(INEXACT_THRESHOLD - 1e-9);
  const fixed = [
    [0.5, 0, 0],
    [Math.fround(0.5 + 2 ** -24), 0.1, 0],
    [1, INEXACT_THRESHOLD, -0.3],
    [1, float32AtMost(INEXACT_THRESHOLD), -0.3],
    [1, below, 1],
    [NaN, 0.2, NaN],
    [1, NaN, 0],
    [NaN, NaN, NaN],
    [1.75, NaN, -1],
  ];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = [...fixed];
  for (let r = 0; r < randomRows; r++) {
    rows.push(FEATURES.map(() => (random() < 0.05 ? NaN : random() * 4 - 2)));
  }
  return { rows: rows.length, cols: FEATURES.length, data: Float64Array.from(rows.flat()) };
}

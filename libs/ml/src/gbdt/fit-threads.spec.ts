import type { Matrix, TreeNode } from '../models';
import { mulberry32 } from '../data/random';
import { FitThreads } from './fit-threads';
import { fitGradientBoostedTrees, type GradientBoostingOptions } from './gbdt';
import { predictProba } from './predict';

// Fits on several threads (bin edges, bins and histograms shared between the caller and worker
// threads) against the same fit on one. The workers run the built script
// (libs/ml/dist/gbdt/fit-worker.js): scripts/test.sh builds before the unit tests.

/** A binary problem of `rows` rows: 6 informative columns, 2 of noise, some missing values. */
function data(rows: number, seed: number): { X: Matrix; y: number[] } {
  const random = mulberry32(seed);
  const cols = 8;
  const X = new Float64Array(rows * cols);
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    let score = 0;
    for (let f = 0; f < cols; f++) {
      const x = random() * 4 - 2;
      X[r * cols + f] = random() < 0.02 ? NaN : x;
      if (f < 6) score += (f % 2 ? 1 : -1) * x * (1 + f / 3) + (f === 2 ? x * x : 0);
    }
    y.push(score + (random() - 0.5) * 3 > 0 ? 1 : 0);
  }
  return { X: { rows, cols, data: X }, y };
}

const featureNames = Array.from({ length: 8 }, (_, i) => `f${i}`);
const opts = (threads: number): GradientBoostingOptions => ({ task: 'binary', featureNames, maxIterations: 25, threads });

function expectSameTrees(a: TreeNode[][][], b: TreeNode[][][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((iteration, i) =>
    iteration.forEach((tree, k) =>
      tree.forEach((node, n) => {
        const other = b[i][k][n];
        expect({ feature: node.feature, threshold: node.threshold, left: node.left, right: node.right, missing: node.missingGoesLeft }).toEqual({
          feature: other.feature, threshold: other.threshold, left: other.left, right: other.right, missing: other.missingGoesLeft,
        });
        expect(Math.abs(node.value - other.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(other.value)));
      }),
    ),
  );
}

describe('gradient boosting on several threads', () => {
  const { X, y } = data(30_000, 11);

  it('starts worker threads from the built script', () => {
    const threads = FitThreads.start(2, X, 255, 0);
    try {
      if (!threads) throw new Error('no fit worker script: build libs/ml first (npx nx run @mlops/ml:build)');
      expect(threads.binMapper().edges).toHaveLength(8);
    } finally {
      threads?.close();
    }
  });

  it('fits the same trees on 2 and 3 threads as on one: the same splits, leaf values to 1e-12', () => {
    const one = fitGradientBoostedTrees(X, y, opts(1));
    for (const threads of [2, 3]) expectSameTrees(fitGradientBoostedTrees(X, y, opts(threads)).trees, one.trees);
  });

  it('is reproducible for a given thread count, bit for bit', () => {
    const a = fitGradientBoostedTrees(X, y, opts(2));
    const b = fitGradientBoostedTrees(X, y, opts(2));
    expect(b.trees).toEqual(a.trees);
    expect(Array.from(predictProba(b, X)[1])).toEqual(Array.from(predictProba(a, X)[1]));
  });

  it('bins on the worker threads too when the matrix is in shared memory, over more rows than the binning sample', () => {
    const big = data(210_000, 3);
    const shared = new Float64Array(new SharedArrayBuffer(big.X.data.length * 8));
    shared.set(big.X.data);
    const fewIterations = (X: Matrix, threads: number) => fitGradientBoostedTrees(X, big.y, { ...opts(threads), maxIterations: 3 });
    expectSameTrees(fewIterations({ ...big.X, data: shared }, 2).trees, fewIterations(big.X, 1).trees);
  });

  it('fits regression (no hessians) and multiclass (one tree per class) the same on threads', () => {
    const regressionY = y.map((label, i) => label * 2 + (X.data[i * 8] || 0) * 0.5);
    const regression = (threads: number) => fitGradientBoostedTrees(X, regressionY, { ...opts(threads), task: 'regression' });
    expectSameTrees(regression(2).trees, regression(1).trees);
    const classY = y.map((label, i) => label + (X.data[i * 8 + 1] > 0.5 ? 1 : 0));
    const multiclass = (threads: number) => fitGradientBoostedTrees(X, classY, { ...opts(threads), task: 'multiclass', maxIterations: 10 });
    expectSameTrees(multiclass(3).trees, multiclass(1).trees);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => fitGradientBoostedTrees(X, y, opts(0))).toThrow('threads must be an integer >= 1, got 0');
    expect(() => fitGradientBoostedTrees(X, y, opts(1.5))).toThrow('threads must be an integer >= 1, got 1.5');
  });
});

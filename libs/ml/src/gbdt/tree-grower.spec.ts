import type { Matrix, TreeNode } from '../models';
import { binMatrix, fitBinMapper } from './binning';
import { buildHistogram, histogramLayout, STRIDE, subtractHistogram } from './histogram';
import { scoreTree } from './predict';
import { leafScore, splitGain } from './split';
import { TreeGrower, type GrowerParams } from './tree-grower';

const column = (...values: number[]): Matrix => ({ rows: values.length, cols: 1, data: Float64Array.from(values) });

// Unshrunk leaves and no row minimum, so every number below can be checked by hand.
const HAND: GrowerParams = {
  maxLeafNodes: 2,
  minSamplesLeaf: 1,
  l2Regularization: 0,
  minHessianToSplit: 1e-3,
  constantHessian: true,
  learningRate: 1,
};

function grow(X: Matrix, gradients: number[], params: Partial<GrowerParams> = {}) {
  const mapper = fitBinMapper(X);
  const grower = new TreeGrower(binMatrix(X, mapper), mapper, { ...HAND, ...params });
  return { grower, tree: grower.grow(Float64Array.from(gradients), null) };
}

const predictAll = (nodes: TreeNode[], X: Matrix) => Array.from({ length: X.rows }, (_, r) => scoreTree(nodes, X, r));

describe('split gain', () => {
  it('is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)', () => {
    const parent = { gradient: 0, hessian: 6, count: 6 };
    const left = { gradient: 6, hessian: 3, count: 3 };
    expect(splitGain(parent, left, 0)).toBe(36 / 3 + 36 / 3 - 0);
    expect(splitGain(parent, left, 1)).toBe(36 / 4 + 36 / 4 - 0);
    expect(splitGain({ gradient: 4, hessian: 4, count: 4 }, { gradient: 3, hessian: 1, count: 1 }, 2)).toBeCloseTo(
      9 / 3 + 1 / 5 - 16 / 6,
      15,
    );
    expect(leafScore(5, 0, 0)).toBe(0);
  });
});

describe('TreeGrower', () => {
  it('finds the split computable by hand (squared error, y = 1,1,1,5,5,5 from mean 3)', () => {
    const X = column(1, 2, 3, 4, 5, 6);
    // gradient = raw − y with raw = 3: the best cut is between 3 and 4, gain 6²/3 + 6²/3 − 0 = 24.
    const { tree } = grow(X, [2, 2, 2, -2, -2, -2]);
    expect(tree.nodes[0]).toMatchObject({ feature: 0, threshold: 3.5, left: 1, right: 2 });
    expect(tree.nodes[1].value).toBe(-2);
    expect(tree.nodes[2].value).toBe(2);
    expect(predictAll(tree.nodes, X)).toEqual([-2, -2, -2, 2, 2, 2]);
  });

  it('applies λ and the learning rate to leaf values: −lr·G/(H+λ)', () => {
    const { tree } = grow(column(1, 2, 3, 4, 5, 6), [2, 2, 2, -2, -2, -2], { l2Regularization: 1, learningRate: 0.5 });
    expect(tree.nodes[1].value).toBe((-0.5 * 6) / 4);
    expect(tree.nodes[2].value).toBe((0.5 * 6) / 4);
  });

  it('keeps a single leaf when no split has positive gain', () => {
    const { tree } = grow(column(1, 2, 3, 4), [1, -1, -1, 1], { maxLeafNodes: 2, minSamplesLeaf: 2 });
    // Halves {1,2} and {3,4} both sum to 0: gain 0, not taken.
    expect(tree.nodes).toEqual([{ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value: 0 }]);
  });

  describe('missing values', () => {
    const X = column(1, 2, NaN, NaN, 10, 11);

    it('sends them left when they look like the low values', () => {
      const { tree } = grow(X, [-1, -1, -1, -1, 2, 2]);
      expect(tree.nodes[0]).toMatchObject({ feature: 0, threshold: 6, missingGoesLeft: true });
      expect(predictAll(tree.nodes, X)).toEqual([1, 1, 1, 1, -2, -2]);
    });

    it('sends them right when they look like the high values', () => {
      const { tree } = grow(X, [2, 2, -1, -1, -1, -1]);
      expect(tree.nodes[0]).toMatchObject({ feature: 0, threshold: 6, missingGoesLeft: false });
      expect(predictAll(tree.nodes, X)).toEqual([-2, -2, 1, 1, 1, 1]);
    });

    it('splits values from missing ("split on NaN") with the largest double as threshold', () => {
      const mixed = column(1, 2, NaN, NaN, 3, 4);
      const { tree } = grow(mixed, [-1, -1, 2, 2, -1, -1]);
      expect(tree.nodes[0]).toMatchObject({ feature: 0, threshold: Number.MAX_VALUE, missingGoesLeft: false });
      expect(predictAll(tree.nodes, mixed)).toEqual([1, 1, -2, -2, 1, 1]);
    });

    it('sends them to the larger child when training had none', () => {
      const { tree } = grow(column(1, 2, 3, 4, 5, 6), [-1, -1, -1, -1, 2, 2]);
      expect(tree.nodes[0]).toMatchObject({ threshold: 4.5, missingGoesLeft: true });
      const flipped = grow(column(1, 2, 3, 4, 5, 6), [2, 2, -1, -1, -1, -1]).tree;
      expect(flipped.nodes[0]).toMatchObject({ threshold: 2.5, missingGoesLeft: false });
    });
  });

  it('grows best-first up to maxLeafNodes and respects minSamplesLeaf and maxDepth', () => {
    const n = 200;
    const X = column(...Array.from({ length: n }, (_, i) => i));
    const gradients = Array.from({ length: n }, (_, i) => Math.sin(i / 7) + (i % 13) / 13);
    const leafSizes = (params: Partial<GrowerParams>) => {
      const { tree } = grow(X, gradients, params);
      return { tree, sizes: tree.leaves.map((leaf) => leaf.end - leaf.start) };
    };
    const wide = leafSizes({ maxLeafNodes: 8, minSamplesLeaf: 15 });
    expect(wide.sizes).toHaveLength(8);
    expect(Math.min(...wide.sizes)).toBeGreaterThanOrEqual(15);
    expect(wide.sizes.reduce((a, b) => a + b)).toBe(n);
    expect(wide.tree.nodes).toHaveLength(15);
    const shallow = leafSizes({ maxLeafNodes: 31, maxDepth: 2 });
    expect(shallow.sizes.length).toBeLessThanOrEqual(4);
  });

  it('leaves partition the rows: every row sits in exactly one leaf with its own value', () => {
    const X = column(...Array.from({ length: 100 }, (_, i) => (i * 37) % 100));
    const gradients = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) / 50 - 1);
    const { grower, tree } = grow(X, gradients, { maxLeafNodes: 6, minSamplesLeaf: 5 });
    const byRow = new Float64Array(100).fill(NaN);
    for (const leaf of tree.leaves) for (let i = leaf.start; i < leaf.end; i++) byRow[grower.rows[i]] = leaf.value;
    expect(Array.from(byRow)).toEqual(predictAll(tree.nodes, X));
  });
});

describe('histogram subtraction', () => {
  it('parent − child equals the sibling built directly', () => {
    const rows = 50;
    const X: Matrix = {
      rows,
      cols: 2,
      data: Float64Array.from({ length: rows * 2 }, (_, i) => (i % 7 === 3 ? NaN : (i * 13) % 17)),
    };
    const mapper = fitBinMapper(X);
    const binned = binMatrix(X, mapper);
    const layout = histogramLayout(mapper);
    const g = Float64Array.from({ length: rows }, (_, i) => Math.cos(i));
    const h = Float64Array.from({ length: rows }, (_, i) => 1 + (i % 3));
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    const build = (start: number, end: number) => {
      const hist = new Float64Array(layout.totalBins * STRIDE);
      buildHistogram(hist, binned, layout, order, { start, end }, g, h);
      return hist;
    };
    const parent = build(0, rows);
    subtractHistogram(parent, build(0, 21));
    const sibling = build(21, rows);
    parent.forEach((v, i) => expect(v).toBeCloseTo(sibling[i], 12));
    // Counts: 29 rows in the sibling, per feature.
    expect(sibling.filter((_, i) => i % STRIDE === 2).reduce((a, b) => a + b)).toBe(58);
  });
});

// Leaf-wise (best-first) growth of one regression tree on the gradients, as LightGBM and sklearn's
// HistGradientBoosting do: the leaf with the largest gain is split next, until max_leaf_nodes.
// Each node owns a contiguous slice of one row-index array, partitioned in place (stably, so the
// histogram passes read the binned columns in ascending row order).

import type { TreeNode } from '../models';
import type { BinMapper, BinnedMatrix } from './binning';
import {
  buildHistogram,
  HistogramPool,
  histogramLayout,
  rootCounts,
  subtractHistogram,
  STRIDE,
  type HistogramLayout,
} from './histogram';
import type { FitThreads } from './fit-threads';
import { goesLeftTable, splitChunk } from './partition';
import { findBestSplit, type NodeSums, type Split, type SplitParams } from './split';

export interface GrowerParams extends SplitParams {
  maxLeafNodes: number;
  /** Depth of the deepest node allowed (root = 0); undefined for no limit. */
  maxDepth?: number;
  /** Leaf values are multiplied by it, so trees add up without a separate shrinkage step. */
  learningRate: number;
}

/** A leaf's rows, as the slice [start, end) of the grower's `rows` after grow(). */
export interface LeafRows {
  start: number;
  end: number;
  value: number;
}

export interface GrownTree {
  nodes: TreeNode[];
  leaves: LeafRows[];
}

interface GrowingNode {
  index: number;
  start: number;
  end: number;
  depth: number;
  sums: NodeSums;
  hist: Float64Array | null;
  split: Split | null;
}

/** Grows trees on one binned training matrix; buffers are reused across trees. */
export class TreeGrower {
  /** Row indices, regrouped by node while a tree grows; read the leaves' slices after grow(). */
  readonly rows: Int32Array;
  private readonly scratchRows: Int32Array;
  private readonly identity: Int32Array;
  private rootCountCache: Float64Array | null = null;
  private readonly layout: HistogramLayout;
  private readonly pool: HistogramPool;

  /**
   * `threads` (the FitThreads that binned this matrix) shares the histogram passes
   * between threads; the gradients and hessians given to grow() must then come from its f64().
   */
  constructor(
    private readonly binned: BinnedMatrix,
    private readonly mapper: BinMapper,
    private readonly params: GrowerParams,
    private readonly threads: FitThreads | null = null,
  ) {
    const n = binned.rows;
    this.rows = threads ? threads.i32(n) : new Int32Array(n);
    this.scratchRows = new Int32Array(n);
    this.identity = threads ? threads.i32(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) this.identity[i] = i;
    this.layout = histogramLayout(mapper);
    this.pool = new HistogramPool(this.layout.totalBins * STRIDE, threads ? (length) => threads.f64(length) : undefined);
  }

  /** One tree fitted to the gradients; `hessians` null means all 1 (squared error). */
  grow(gradients: Float64Array, hessians: Float64Array | null): GrownTree {
    const nodes: TreeNode[] = [];
    const root = this.root(gradients, hessians, nodes);
    const open: GrowingNode[] = root.split ? [root] : [];
    const leaves: GrowingNode[] = root.split ? [] : [root];
    let leafCount = 1;
    for (;;) {
      const next = takeBest(open);
      if (!next) break;
      leafCount++;
      const canGrow = leafCount < this.params.maxLeafNodes;
      for (const child of this.split(next, gradients, hessians, nodes, canGrow)) {
        (child.split ? open : leaves).push(child);
      }
      if (!canGrow) break;
    }
    for (const node of open) leaves.push(node);
    return { nodes, leaves: leaves.map((node) => this.finishLeaf(node, nodes)) };
  }

  private root(gradients: Float64Array, hessians: Float64Array | null, nodes: TreeNode[]): GrowingNode {
    const n = this.binned.rows;
    this.rows.set(this.identity);
    let gradient = 0;
    let hessian = 0;
    for (let i = 0; i < n; i++) gradient += gradients[i];
    if (hessians) for (let i = 0; i < n; i++) hessian += hessians[i];
    else hessian = n;
    const node = this.newNode(nodes, 0, n, 0, { gradient, hessian, count: n });
    if (!this.splittable(node)) return node;
    node.hist = this.pool.acquire();
    this.rootCountCache ??= rootCounts(this.binned, this.layout);
    // The root holds every row, read in order; its counts are the same for every tree.
    this.buildHistogram(node.hist, this.identity, { start: 0, end: n }, gradients, hessians, false);
    const counts = this.rootCountCache;
    for (let b = 0; b < counts.length; b++) node.hist[b * STRIDE + 2] = counts[b];
    this.findSplit(node);
    return node;
  }

  /** Splits `node` and returns its children, with their best splits when they may grow further. */
  private split(
    node: GrowingNode,
    gradients: Float64Array,
    hessians: Float64Array | null,
    nodes: TreeNode[],
    canGrow: boolean,
  ): [GrowingNode, GrowingNode] {
    const split = node.split as Split;
    const mid = this.partition(node, split);
    const depth = node.depth + 1;
    const left = this.newNode(nodes, node.start, mid, depth, split.left);
    const right = this.newNode(nodes, mid, node.end, depth, split.right);
    this.markInternal(nodes[node.index], split, left.index, right.index);
    const parentHist = node.hist as Float64Array;
    node.hist = null;
    const growLeft = canGrow && this.splittable(left);
    const growRight = canGrow && this.splittable(right);
    if (growLeft || growRight) {
      // Build the smaller child's histogram; the larger one is what remains of the parent's.
      const [small, large] = left.sums.count <= right.sums.count ? [left, right] : [right, left];
      small.hist = this.pool.acquire();
      const range = { start: small.start, end: small.end };
      this.buildHistogram(small.hist, this.rows, range, gradients, hessians, true);
      subtractHistogram(parentHist, small.hist);
      large.hist = parentHist;
    } else {
      this.pool.release(parentHist);
    }
    for (const [child, grows] of [[left, growLeft], [right, growRight]] as const) {
      if (grows) this.findSplit(child);
      else this.releaseHist(child);
    }
    return [left, right];
  }

  private buildHistogram(
    hist: Float64Array,
    rows: Int32Array,
    range: { start: number; end: number },
    gradients: Float64Array,
    hessians: Float64Array | null,
    counts: boolean,
  ): void {
    if (this.threads) this.threads.build(hist, rows, range, gradients, hessians, counts);
    else buildHistogram(hist, this.binned, this.layout, rows, range, gradients, hessians, counts);
  }

  private splittable(node: GrowingNode): boolean {
    const { maxDepth, minSamplesLeaf, minHessianToSplit } = this.params;
    if (maxDepth !== undefined && node.depth >= maxDepth) return false;
    return node.sums.count >= 2 * minSamplesLeaf && node.sums.hessian >= 2 * minHessianToSplit;
  }

  private findSplit(node: GrowingNode): void {
    node.split = findBestSplit(node.hist as Float64Array, this.layout, node.sums, this.params);
    if (!node.split) this.releaseHist(node);
  }

  private releaseHist(node: GrowingNode): void {
    if (node.hist) this.pool.release(node.hist);
    node.hist = null;
  }

  /**
   * Stable in-place partition of the node's rows; returns where the right child starts. Branch-free
   * (a bin → side table, both outputs written every time): the side is a coin flip for the CPU.
   */
  private partition(node: GrowingNode, split: Split): number {
    const shared = this.threads?.partition(this.rows, node.start, node.end, split, this.mapper.nonMissingBins[split.feature]) ?? -1;
    if (shared >= 0) return shared;
    const { rows, scratchRows } = this;
    const column = this.binned.byColumn.subarray(split.feature * this.binned.rows);
    const goesLeft = goesLeftTable(split.bin, split.missingGoesLeft, this.mapper.nonMissingBins[split.feature]);
    // Lefts in place (a row is written at or before where it was read), rights to the scratch.
    const lefts = splitChunk(rows, node.start, node.end, column, goesLeft, rows, scratchRows);
    rows.set(scratchRows.subarray(node.start, node.end - lefts), node.start + lefts);
    return node.start + lefts;
  }

  private newNode(nodes: TreeNode[], start: number, end: number, depth: number, sums: NodeSums): GrowingNode {
    const value = this.leafValue(sums);
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value });
    return { index: nodes.length - 1, start, end, depth, sums, hist: null, split: null };
  }

  private markInternal(tree: TreeNode, split: Split, left: number, right: number): void {
    const edges = this.mapper.edges[split.feature];
    tree.feature = split.feature;
    // The last non-missing bin has no upper edge: that split separates values from NaN. JSON has
    // no Infinity, so the largest double stands in (only +Infinity inputs then route differently).
    tree.threshold = split.bin < edges.length ? edges[split.bin] : Number.MAX_VALUE;
    tree.left = left;
    tree.right = right;
    tree.missingGoesLeft = split.missingGoesLeft;
  }

  private finishLeaf(node: GrowingNode, nodes: TreeNode[]): LeafRows {
    this.releaseHist(node);
    return { start: node.start, end: node.end, value: nodes[node.index].value };
  }

  /** -G/(H+λ), shrunk by the learning rate (+ 0 turns a -0 into 0 for tidy JSON and equality). */
  private leafValue(sums: NodeSums): number {
    const denominator = sums.hessian + this.params.l2Regularization;
    return denominator > 0 ? (-this.params.learningRate * sums.gradient) / denominator + 0 : 0;
  }
}

/** Removes and returns the open node with the largest gain (first one on ties), or null. */
function takeBest(open: GrowingNode[]): GrowingNode | null {
  let best = -1;
  for (let i = 0; i < open.length; i++) {
    if (best < 0 || (open[i].split as Split).gain > (open[best].split as Split).gain) best = i;
  }
  return best < 0 ? null : open.splice(best, 1)[0];
}

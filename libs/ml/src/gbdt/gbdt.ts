// Histogram-based gradient boosting (the LightGBM / sklearn HistGradientBoosting algorithm):
// bin the features once, then each iteration fits one leaf-wise tree per output to the loss
// gradients and adds its shrunk leaf values to the raw scores.

import type { GradientBoostedTreesModel, Matrix, Task, TreeNode } from '../models';
import { binMatrix, fitBinMapper, MAX_BINS } from './binning';
import { lossFor, type Loss } from './losses';
import { FitThreads } from './fit-threads';
import { addTreeScores } from './predict';
import { TreeGrower, type GrownTree, type GrowerParams } from './tree-grower';

export interface GradientBoostingOptions {
  task: Task;
  featureNames: string[];
  /** Shrinkage of every tree; default 0.1. */
  learningRate?: number;
  /** Boosting iterations (one tree per output each); default 100. */
  maxIterations?: number;
  /** Leaves per tree; default 31. */
  maxLeafNodes?: number;
  /** Depth limit (root = 0); none by default, the leaf limit bounds the trees. */
  maxDepth?: number;
  /** Rows per leaf at least; default 20. */
  minSamplesLeaf?: number;
  /** λ of the leaf values -G/(H+λ) and of the split gain; default 0. */
  l2Regularization?: number;
  /** Non-missing bins per feature, in [2, 255]; default 255. */
  maxBins?: number;
  /** Scored after every iteration: reported to onIteration and used by earlyStopping. */
  validation?: { X: Matrix; y: number[] };
  /**
   * Stop once the validation loss has not improved by more than `tol` (default 1e-7) for
   * `rounds` (default 10) iterations; the model keeps the iterations up to the best one.
   */
  earlyStopping?: { rounds?: number; tol?: number };
  /** Seeds the row subsample that bins the features when there are more than 200 000 rows; default 0. */
  seed?: number;
  /**
   * Threads that build the gradient histograms (the caller's and threads - 1 workers); default 1.
   * The model is the same whatever the count: each thread sums the bins of its own features.
   */
  threads?: number;
  /** Called after each iteration (0-based) with the mean training and validation loss. */
  onIteration?: (iteration: number, trainLoss: number, validationLoss?: number) => void;
}

/** sklearn's guard: a child with (almost) no curvature would get a huge leaf value. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;

/** Trains a gradient-boosted trees model; see GradientBoostingOptions for the defaults. */
export function fitGradientBoostedTrees(
  X: Matrix,
  y: number[],
  opts: GradientBoostingOptions,
): GradientBoostedTreesModel {
  const settings = resolveOptions(X, y, opts);
  const classes = opts.task === 'regression' ? [] : classesOf(y, opts.task);
  const loss = lossFor(opts.task, classes.length);
  const target = encodeTarget(y, classes);
  const seed = opts.seed ?? 0;
  const threads = FitThreads.start(settings.threads, X, settings.maxBins, seed);
  try {
    const mapper = threads ? threads.binMapper() : fitBinMapper(X, settings.maxBins, seed);
    const binned = threads ? threads.binMatrix(mapper) : binMatrix(X, mapper);
    const grower = new TreeGrower(binned, mapper, settings.grower, threads);
    const baseScore = loss.baseline(target);
    const train = new Scores(loss, baseScore, target, undefined, threads);
    const validation = opts.validation
      ? new Scores(loss, baseScore, encodeTarget(opts.validation.y, classes), opts.validation.X)
      : null;
    const trees = boost(settings, loss, grower, train, validation, opts.onIteration, !!opts.earlyStopping);
    const featureNames = [...opts.featureNames];
    return { kind: 'gradient_boosted_trees', task: opts.task, featureNames, classes, baseScore, trees };
  } finally {
    threads?.close();
  }
}

/** The boosting iterations: one tree per output each, until maxIterations or early stopping. */
function boost(
  settings: Settings,
  loss: Loss,
  grower: TreeGrower,
  train: Scores,
  validation: Scores | null,
  onIteration: GradientBoostingOptions['onIteration'],
  earlyStopping: boolean,
): TreeNode[][][] {
  const stopper = new EarlyStopper(settings.rounds, settings.tol);
  const trees: TreeNode[][][] = [];
  for (let i = 0; i < settings.maxIterations; i++) {
    const gradients = train.gradients();
    const iteration: TreeNode[][] = [];
    for (let k = 0; k < loss.outputs; k++) {
      const tree = grower.grow(gradients.g[k], loss.constantHessian ? null : gradients.h[k]);
      train.addLeaves(k, grower.rows, tree);
      validation?.addTree(k, tree.nodes);
      iteration.push(tree.nodes);
    }
    trees.push(iteration);
    const validationLoss = validation?.loss();
    onIteration?.(i, train.loss(), validationLoss);
    if (validationLoss !== undefined && earlyStopping && stopper.shouldStop(i, validationLoss)) {
      trees.length = stopper.bestIteration + 1;
      break;
    }
  }
  return trees;
}

interface Settings {
  maxIterations: number;
  threads: number;
  maxBins: number;
  rounds: number;
  tol: number;
  grower: GrowerParams;
}

function resolveOptions(X: Matrix, y: number[], opts: GradientBoostingOptions): Settings {
  if (X.rows !== y.length) throw new RangeError(`X has ${X.rows} rows but y has ${y.length} values`);
  if (X.rows === 0) throw new RangeError('cannot train on an empty matrix');
  if (opts.featureNames.length !== X.cols) {
    throw new RangeError(`${opts.featureNames.length} feature names for ${X.cols} columns`);
  }
  if (opts.validation && opts.validation.X.rows !== opts.validation.y.length) {
    throw new RangeError('validation X and y differ in length');
  }
  if (opts.validation && opts.validation.X.cols !== X.cols) throw new RangeError('validation X has other columns');
  if (opts.earlyStopping && !opts.validation) throw new RangeError('earlyStopping needs a validation set');
  const maxLeafNodes = positiveInteger('maxLeafNodes', opts.maxLeafNodes ?? 31, 2);
  const minSamplesLeaf = positiveInteger('minSamplesLeaf', opts.minSamplesLeaf ?? 20, 1);
  const learningRate = opts.learningRate ?? 0.1;
  const l2Regularization = opts.l2Regularization ?? 0;
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${learningRate}`);
  if (!(l2Regularization >= 0)) throw new RangeError(`l2Regularization must be >= 0, got ${l2Regularization}`);
  const maxDepth = opts.maxDepth === undefined ? undefined : positiveInteger('maxDepth', opts.maxDepth, 1);
  return {
    maxIterations: positiveInteger('maxIterations', opts.maxIterations ?? 100, 1),
    threads: positiveInteger('threads', opts.threads ?? 1, 1),
    maxBins: opts.maxBins ?? MAX_BINS,
    rounds: positiveInteger('earlyStopping.rounds', opts.earlyStopping?.rounds ?? 10, 1),
    tol: opts.earlyStopping?.tol ?? 1e-7,
    grower: {
      maxLeafNodes,
      maxDepth,
      minSamplesLeaf,
      l2Regularization,
      learningRate,
      minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
      constantHessian: opts.task === 'regression',
    },
  };
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Sorted distinct labels; a binary task needs exactly two, multiclass at least two. */
function classesOf(y: number[], task: Task): number[] {
  if (y.some((v) => !Number.isFinite(v))) throw new RangeError('class labels must be finite numbers');
  const classes = [...new Set(y)].sort((a, b) => a - b);
  if (task === 'binary' && classes.length !== 2) {
    throw new RangeError(`binary task needs 2 classes, got ${classes.length}`);
  }
  if (classes.length < 2) throw new RangeError(`multiclass task needs at least 2 classes, got ${classes.length}`);
  return classes;
}

/** Regression targets as given; class labels as their index in `classes`. */
function encodeTarget(y: number[], classes: number[]): Float64Array {
  if (classes.length === 0) {
    if (y.some((v) => !Number.isFinite(v))) throw new RangeError('regression targets must be finite numbers');
    return Float64Array.from(y);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  return Float64Array.from(y, (label) => {
    const k = index.get(label);
    if (k === undefined) throw new RangeError(`label ${label} is not among the training classes`);
    return k;
  });
}

/** Raw scores of one data set, updated tree by tree, with the buffers for its gradients. */
class Scores {
  readonly raw: Float64Array[];
  private readonly g: Float64Array[];
  private readonly h: Float64Array[];

  constructor(
    private readonly lossFn: Loss,
    baseScore: number[],
    private target: Float64Array,
    private readonly X?: Matrix,
    /** Fit threads share the training scores: they compute the gradients and read them. */
    private readonly threads: FitThreads | null = null,
  ) {
    const n = target.length;
    const allocate = (length: number) => (threads ? threads.f64(length) : new Float64Array(length));
    this.raw = baseScore.map((base) => allocate(n).fill(base));
    this.g = baseScore.map(() => allocate(X ? 0 : n));
    this.h = baseScore.map(() => allocate(X || lossFn.constantHessian ? 0 : n));
    if (threads) {
      const shared = allocate(n);
      shared.set(target);
      this.target = shared;
      threads.shareScores({ task: lossFn.task, classes: lossFn.outputs, raw: this.raw, target: shared, g: this.g, h: this.h });
    }
  }

  gradients(): { g: Float64Array[]; h: Float64Array[] } {
    if (this.threads) this.threads.gradients(this.lossFn);
    else this.lossFn.gradients(this.raw, this.target, this.g, this.h);
    return { g: this.g, h: this.h };
  }

  /** Training rows: each leaf knows its rows, so no tree traversal is needed. */
  addLeaves(k: number, rows: Int32Array, tree: GrownTree): void {
    const raw = this.raw[k];
    for (const leaf of tree.leaves) {
      for (let i = leaf.start; i < leaf.end; i++) raw[rows[i]] += leaf.value;
    }
  }

  addTree(k: number, nodes: TreeNode[]): void {
    addTreeScores(nodes, this.X as Matrix, this.raw[k]);
  }

  loss(): number {
    return this.lossFn.loss(this.raw, this.target);
  }
}

/** Tracks the best validation loss; an improvement must beat the best by more than tol. */
class EarlyStopper {
  bestIteration = -1;
  private best = Infinity;

  constructor(
    private readonly rounds: number,
    private readonly tol: number,
  ) {}

  shouldStop(iteration: number, loss: number): boolean {
    if (loss < this.best - this.tol) {
      this.best = loss;
      this.bestIteration = iteration;
    }
    return iteration - this.bestIteration >= this.rounds;
  }
}

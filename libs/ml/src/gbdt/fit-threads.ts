// A gradient-boosting fit on several threads: the calling thread and `threads - 1` workers share
// the passes over all the rows, the parts of a fit that grow with the data:
//
// - histograms: each thread sums its share of a node's rows into a histogram of its own, which
//   the caller adds into the node's. The shares are fixed by the thread count, so a fit is
//   reproducible for a given count; across counts the sums differ in the last bits only;
// - partitions: each thread splits its share of a node's rows into left and right (stably), then
//   copies them to where the caller says its share of each side goes;
// - gradients: each thread computes the loss gradients of its share of the rows;
// - bin edges and binning, when the input matrix is in shared memory (a SharedArrayBuffer): each
//   thread sorts its share of the features, then bins its share of the rows. Otherwise the
//   caller bins alone: copying the matrix would cost more memory than the binning takes time.
//
// The calling thread stays synchronous (fitGradientBoostedTrees is a plain function): it hands a
// task over by raising a control word (Atomics.notify) and waits for each worker's answer on
// another (Atomics.wait), spinning briefly first. The input matrix, its bins and the bin edges
// are shared memory given to the workers at start; histograms, gradients and row orders are
// handed over once each, as messages a worker reads with receiveMessageOnPort before its next
// task, and a task names them by number.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Matrix, Task } from '../models';
import { binMapperOf, binningSample, binRows, columnBinEdges, emptyBinnedMatrix, MAX_BINS, type BinMapper, type BinnedMatrix } from './binning';
import { buildHistogram, histogramLayout, STRIDE, type HistogramLayout } from './histogram';
import type { Loss } from './losses';
import { gatherChunk, goesLeftTable, splitChunk } from './partition';

/** Control words of one worker (an Int32Array over shared memory), by index. */
export const Word = {
  /** Raised by the caller for every task. */
  Task: 0,
  /** Set to the task's number by the worker once it is done. */
  Done: 1,
  Op: 2,
  /** A task's range: rows for Build and Bin, features for Edges. */
  Start: 3,
  End: 4,
  Hist: 5,
  Rows: 6,
  Gradients: 7,
  Hessians: 8,
  Counts: 9,
  /** 1 once the worker has failed; its message follows on the port. */
  Failed: 10,
  Ready: 11,
  /** A partition's split (feature, bin, missing side, missing bin) and its answer. */
  Feature: 12,
  Bin: 13,
  MissingLeft: 14,
  MissingBin: 15,
  /** Rows of its share that went left (PartitionSplit's answer). */
  Result: 16,
  /** Where a share's left and right rows go (PartitionGather). */
  LeftTo: 17,
  RightTo: 18,
} as const;
const CONTROL_WORDS = 20;

export const Op = { Edges: 1, Bin: 2, Build: 3, Stop: 4, PartitionSplit: 5, PartitionGather: 6, Gradients: 7 } as const;

/** The widest edge list of a feature (maxBins - 1 edges at most). */
export const EDGE_SLOTS = MAX_BINS;

/** What a worker is started with (workerData): the fit's fixed shared memory. */
export interface WorkerInit {
  control: Int32Array;
  port: MessagePort;
  /** The input matrix when it is in shared memory; else null and the caller bins alone. */
  X: { rows: number; cols: number; data: Float64Array } | null;
  sample: Uint32Array | null;
  maxBins: number;
  /** Per feature f, its edges at [f * EDGE_SLOTS, + edgeCounts[f]). */
  edges: Float64Array;
  edgeCounts: Int32Array;
  binned: BinnedMatrix;
  /** Where partitions put a share's left and right rows before copying them back. */
  scratchLeft: Int32Array;
  scratchRight: Int32Array;
}

/** A buffer handed to the workers, named by its number in later tasks. */
export interface SharedBuffer {
  id: number;
  array: Float64Array | Int32Array;
}

/** The training scores and their gradient buffers, handed to the workers once (Op.Gradients). */
export interface SharedScores {
  scores: { task: Task; classes: number; raw: Float64Array[]; target: Float64Array; g: Float64Array[]; h: Float64Array[] };
}

/** Nodes with fewer rows than this are built on the calling thread alone: handing them over costs more. */
const MIN_ROWS_TO_SHARE = 2048;
/** A partition takes two hand-overs: it pays from larger nodes. */
const MIN_ROWS_TO_PARTITION = 8192;
/** A task that takes longer than this means a worker is gone. */
const TASK_TIMEOUT_MS = 10 * 60_000;

/**
 * How long a thread spins on a control word before it sleeps on it. While a tree grows, tasks
 * follow each other every few hundred microseconds, and waking a sleeping thread on a virtual
 * machine costs about as much (measured on the 2-core development machine: ~0.2 ms per task when
 * both sides sleep at once), so both sides spin first.
 */
const SPIN_MS = 0.5;

/** The compiled worker script; from the TypeScript sources (unit tests), the built one in dist/. */
function workerScript(): string | null {
  const sibling = join(__dirname, 'fit-worker.js');
  if (existsSync(sibling)) return sibling;
  const built = join(__dirname, '../../dist/gbdt/fit-worker.js');
  return existsSync(built) ? built : null;
}

interface Helper {
  worker: Worker;
  control: Int32Array;
  port: MessagePort;
  task: number;
  /** The histogram of this worker's rows, added to the node's by the caller. */
  partial: Float64Array;
}

export class FitThreads {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private closed = false;
  private layout: HistogramLayout | null = null;
  private scores: SharedScores['scores'] | null = null;

  private constructor(
    private readonly helpers: Helper[],
    private readonly init: Omit<WorkerInit, 'control' | 'port'>,
    /** The input matrix, shared with the workers or not (init.X). */
    private readonly X: Matrix,
  ) {}

  /**
   * `threads` threads in all over X; null when threads is 1 or the worker script is not built
   * (the TypeScript sources without a build), where the caller fits on its own thread.
   */
  static start(threads: number, X: Matrix, maxBins: number, seed: number): FitThreads | null {
    if (threads <= 1) return null;
    const script = workerScript();
    if (!script) return null;
    const init: Omit<WorkerInit, 'control' | 'port'> = {
      X: X.data.buffer instanceof SharedArrayBuffer ? { rows: X.rows, cols: X.cols, data: X.data } : null,
      sample: shared(binningSample(X.rows, seed)),
      maxBins,
      edges: new Float64Array(new SharedArrayBuffer(X.cols * EDGE_SLOTS * 8)),
      edgeCounts: new Int32Array(new SharedArrayBuffer(X.cols * 4)),
      binned: emptyBinnedMatrix(X.rows, X.cols, true),
      scratchLeft: new Int32Array(new SharedArrayBuffer(X.rows * 4)),
      scratchRight: new Int32Array(new SharedArrayBuffer(X.rows * 4)),
    };
    const helpers: Helper[] = [];
    for (let i = 1; i < threads; i++) {
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
      const { port1, port2 } = new MessageChannel();
      const workerData: WorkerInit = { ...init, control, port: port2 };
      const worker = new Worker(script, { workerData, transferList: [port2] });
      worker.unref();
      helpers.push({ worker, control, port: port1, task: 0, partial: new Float64Array(0) });
    }
    const pool = new FitThreads(helpers, init, X);
    for (const helper of helpers) pool.await(helper, Word.Ready, 1);
    return pool;
  }

  /** The bin edges of every feature, each thread sorting its share of the features. */
  binMapper(): BinMapper {
    const { sample, maxBins, edges, edgeCounts } = this.init;
    const X = this.X;
    this.share(X.cols, Op.Edges, this.init.X !== null, (first, end) => {
      for (let f = first; f < end; f++) storeEdges(edges, edgeCounts, f, columnBinEdges(X, f, sample, maxBins));
    });
    return binMapperOf(Array.from(edgeCounts, (count, f) => edges.slice(f * EDGE_SLOTS, f * EDGE_SLOTS + count)));
  }

  /** X binned by `mapper` (from binMapper()), each thread binning its share of the rows. */
  binMatrix(mapper: BinMapper): BinnedMatrix {
    const { binned } = this.init;
    const X = this.X;
    // Without X the workers bin nothing but still read the edges for their histogram layout.
    this.share(X.rows, Op.Bin, this.init.X !== null, (first, end) => binRows(X, mapper, binned, first, end));
    this.layout = histogramLayout(mapper);
    for (const helper of this.helpers) helper.partial = this.f64(this.layout.totalBins * STRIDE);
    return binned;
  }

  /** A Float64Array of `length` in shared memory, known to every worker. */
  f64(length: number): Float64Array {
    return this.register(new Float64Array(new SharedArrayBuffer(length * 8)));
  }

  /** An Int32Array of `length` in shared memory, known to every worker. */
  i32(length: number): Int32Array {
    return this.register(new Int32Array(new SharedArrayBuffer(length * 4)));
  }

  /**
   * buildHistogram over rows[range], each thread summing its share of the rows; the arrays must
   * come from f64/i32 (hessians null: all 1), after binMatrix().
   */
  build(
    hist: Float64Array,
    rows: Int32Array,
    range: { start: number; end: number },
    gradients: Float64Array,
    hessians: Float64Array | null,
    counts: boolean,
  ): void {
    const { binned } = this.init;
    const layout = this.layout as HistogramLayout;
    if (range.end - range.start < MIN_ROWS_TO_SHARE) {
      buildHistogram(hist, binned, layout, rows, range, gradients, hessians, counts);
      return;
    }
    const { helpers } = this;
    const cut = (i: number) => range.start + (((i * (range.end - range.start)) / (helpers.length + 1)) | 0);
    helpers.forEach((helper, i) => {
      const c = helper.control;
      c[Word.Hist] = this.idOf(helper.partial);
      c[Word.Rows] = this.idOf(rows);
      c[Word.Gradients] = this.idOf(gradients);
      c[Word.Hessians] = hessians ? this.idOf(hessians) : 0;
      c[Word.Counts] = counts ? 1 : 0;
      this.signal(helper, Op.Build, cut(i + 1), cut(i + 2));
    });
    buildHistogram(hist, binned, layout, rows, { start: range.start, end: cut(1) }, gradients, hessians, counts);
    for (const helper of helpers) {
      this.await(helper, Word.Done, helper.task);
      const partial = helper.partial;
      for (let b = 0; b < hist.length; b++) hist[b] += partial[b];
    }
  }

  /** Stops the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const helper of this.helpers) {
      this.signal(helper, Op.Stop, 0, 0);
      helper.port.close();
      void helper.worker.terminate();
    }
  }

  /**
   * Splits [0, count) between the threads, the caller doing the first share itself; not `split`:
   * the caller does it all, and the workers get the task with empty ranges.
   */
  private share(count: number, op: number, split: boolean, work: (first: number, end: number) => void): void {
    const { helpers } = this;
    const cut = (i: number) => (split ? ((i * count) / (helpers.length + 1)) | 0 : count);
    helpers.forEach((helper, i) => this.signal(helper, op, cut(i + 1), cut(i + 2)));
    work(0, cut(1));
    for (const helper of helpers) this.await(helper, Word.Done, helper.task);
  }

  /**
   * Hands the training scores to the workers: raw scores, targets and gradient buffers from f64();
   * gradients() then splits their computation by rows.
   */
  shareScores(scores: SharedScores['scores']): void {
    this.scores = scores;
    const message: SharedScores = { scores };
    for (const helper of this.helpers) helper.port.postMessage(message);
  }

  /** The loss gradients of every row, each thread computing its share (after shareScores). */
  gradients(loss: Loss): void {
    const { raw, target, g, h } = this.scores as SharedScores['scores'];
    this.share(target.length, Op.Gradients, true, (first, end) => gradientsOf(loss, raw, target, g, h, first, end));
  }

  /**
   * Stable partition of rows[start, end) by the split: rows whose bin of `feature` goes left come
   * first. Returns where the right side starts, or -1 for a node too small to share (the caller
   * partitions it itself).
   */
  partition(rows: Int32Array, start: number, end: number, split: { feature: number; bin: number; missingGoesLeft: boolean }, missingBin: number): number {
    if (end - start < MIN_ROWS_TO_PARTITION) return -1;
    const { helpers } = this;
    const { scratchLeft, scratchRight } = this.init;
    const column = this.init.binned.byColumn.subarray(split.feature * this.init.binned.rows);
    const cut = (i: number) => start + (((i * (end - start)) / (helpers.length + 1)) | 0);
    helpers.forEach((helper, i) => {
      const c = helper.control;
      c[Word.Rows] = this.idOf(rows);
      c[Word.Feature] = split.feature;
      c[Word.Bin] = split.bin;
      c[Word.MissingLeft] = split.missingGoesLeft ? 1 : 0;
      c[Word.MissingBin] = missingBin;
      this.signal(helper, Op.PartitionSplit, cut(i + 1), cut(i + 2));
    });
    const lefts = [splitChunk(rows, cut(0), cut(1), column, goesLeftTable(split.bin, split.missingGoesLeft, missingBin), scratchLeft, scratchRight)];
    for (const helper of helpers) {
      this.await(helper, Word.Done, helper.task);
      lefts.push(helper.control[Word.Result]);
    }
    const totalLeft = lefts.reduce((a, b) => a + b, 0);
    let leftTo = start;
    let rightTo = start + totalLeft;
    const destinations = lefts.map((left, i) => {
      const at = { leftTo, rightTo };
      leftTo += left;
      rightTo += cut(i + 1) - cut(i) - left;
      return at;
    });
    helpers.forEach((helper, i) => {
      helper.control[Word.Result] = lefts[i + 1];
      helper.control[Word.LeftTo] = destinations[i + 1].leftTo;
      helper.control[Word.RightTo] = destinations[i + 1].rightTo;
      this.signal(helper, Op.PartitionGather, cut(i + 1), cut(i + 2));
    });
    gatherChunk(rows, cut(0), cut(1), lefts[0], destinations[0].leftTo, destinations[0].rightTo, scratchLeft, scratchRight);
    for (const helper of helpers) this.await(helper, Word.Done, helper.task);
    return start + totalLeft;
  }

  private register<T extends Float64Array | Int32Array>(array: T): T {
    if (this.closed) throw new Error('FitThreads is closed');
    const id = this.nextId++;
    this.ids.set(array, id);
    const message: SharedBuffer = { id, array };
    for (const helper of this.helpers) helper.port.postMessage(message);
    return array;
  }

  private idOf(array: Float64Array | Int32Array): number {
    const id = this.ids.get(array);
    if (id === undefined) throw new Error('FitThreads: a buffer not made by f64/i32');
    return id;
  }

  private signal(helper: Helper, op: number, start: number, end: number): void {
    const c = helper.control;
    c[Word.Op] = op;
    c[Word.Start] = start;
    c[Word.End] = end;
    helper.task++;
    Atomics.store(c, Word.Task, helper.task);
    Atomics.notify(c, Word.Task);
  }

  /** Blocks until control[word] is `value`; throws what a failed worker reported. */
  private await(helper: Helper, word: number, value: number): void {
    if (spinUntil(helper.control, word, value)) return;
    const deadline = Date.now() + TASK_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(helper.control, word);
      if (seen === value) return;
      if (Atomics.load(helper.control, Word.Failed)) {
        this.close();
        throw new Error(`gradient boosting worker thread failed: ${failure(helper.port)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw new Error(`gradient boosting worker thread did not answer within ${TASK_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(helper.control, word, seen, Math.min(left, 1000));
    }
  }
}

/** The loss gradients of the rows [first, end). */
export function gradientsOf(loss: Loss, raw: Float64Array[], target: Float64Array, g: Float64Array[], h: Float64Array[], first: number, end: number): void {
  const part = (a: Float64Array) => (a.length === 0 ? a : a.subarray(first, end));
  loss.gradients(raw.map(part), target.subarray(first, end), g.map(part), h.map(part));
}

/** Writes feature f's edges into the shared edge table. */
export function storeEdges(edges: Float64Array, counts: Int32Array, f: number, featureEdges: Float64Array): void {
  edges.set(featureEdges, f * EDGE_SLOTS);
  counts[f] = featureEdges.length;
}

/** Spins until control[word] is `value` (true) or SPIN_MS have passed (false). */
function spinUntil(control: Int32Array, word: number, value: number): boolean {
  const until = performance.now() + SPIN_MS;
  do {
    for (let i = 0; i < 64; i++) if (Atomics.load(control, word) === value) return true;
  } while (performance.now() < until);
  return false;
}

/** Spins while control[word] is `value`, up to SPIN_MS; the caller then sleeps on it. */
export function spinWhile(control: Int32Array, word: number, value: number): void {
  const until = performance.now() + SPIN_MS;
  do {
    for (let i = 0; i < 64; i++) if (Atomics.load(control, word) !== value) return;
  } while (performance.now() < until);
}

function shared(sample: Uint32Array | null): Uint32Array | null {
  if (!sample) return null;
  const copy = new Uint32Array(new SharedArrayBuffer(sample.length * 4));
  copy.set(sample);
  return copy;
}

function failure(port: MessagePort): string {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const message = m.message as { error?: unknown };
    if (typeof message.error === 'string') return message.error;
  }
  return 'no message';
}

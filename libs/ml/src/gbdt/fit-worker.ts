// One worker thread of FitThreads: waits for a task on its control word, does its share (bin
// edges of some features, bins of some rows, the histogram or partition of some of a node's rows,
// the gradients of some rows), marks the task done. See fit-threads.ts.

import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { binMapperOf, binRows, columnBinEdges, type BinMapper } from './binning';
import {
  EDGE_SLOTS, gradientsOf, Op, spinWhile, storeEdges, Word, type SharedBuffer, type SharedScores, type WorkerInit,
} from './fit-threads';
import { buildHistogram, histogramLayout, type HistogramLayout } from './histogram';
import { lossFor, type Loss } from './losses';
import { gatherChunk, goesLeftTable, splitChunk } from './partition';

const { control, port, X, sample, maxBins, edges, edgeCounts, binned, scratchLeft, scratchRight } = workerData as WorkerInit;
const buffers = new Map<number, Float64Array | Int32Array>();
let mapper: BinMapper | null = null;
let layout: HistogramLayout | null = null;
let scores: (SharedScores['scores'] & { loss: Loss }) | null = null;

function buffer<T extends Float64Array | Int32Array>(id: number): T {
  const array = buffers.get(id);
  if (!array) throw new Error(`unknown shared buffer ${id}`);
  return array as T;
}

function run(op: number, start: number, end: number): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const message = m.message as SharedBuffer | SharedScores;
    if ('scores' in message) scores = { ...message.scores, loss: lossFor(message.scores.task, message.scores.classes) };
    else buffers.set(message.id, message.array);
  }
  if (op === Op.Edges) {
    if (start < end && !X) throw new Error('bin edges asked of a worker without the matrix');
    for (let f = start; f < end; f++) storeEdges(edges, edgeCounts, f, columnBinEdges(X!, f, sample, maxBins));
  } else if (op === Op.Bin) {
    mapper = binMapperOf(Array.from(edgeCounts, (count, f) => edges.subarray(f * EDGE_SLOTS, f * EDGE_SLOTS + count)));
    layout = histogramLayout(mapper);
    if (start < end && !X) throw new Error('bins asked of a worker without the matrix');
    if (start < end) binRows(X!, mapper, binned, start, end);
  } else if (op === Op.PartitionSplit) {
    const column = binned.byColumn.subarray(control[Word.Feature] * binned.rows);
    const goesLeft = goesLeftTable(control[Word.Bin], control[Word.MissingLeft] === 1, control[Word.MissingBin]);
    control[Word.Result] = splitChunk(buffer<Int32Array>(control[Word.Rows]), start, end, column, goesLeft, scratchLeft, scratchRight);
  } else if (op === Op.PartitionGather) {
    gatherChunk(buffer<Int32Array>(control[Word.Rows]), start, end, control[Word.Result], control[Word.LeftTo], control[Word.RightTo], scratchLeft, scratchRight);
  } else if (op === Op.Gradients) {
    if (!scores) throw new Error('a gradients task before the scores');
    gradientsOf(scores.loss, scores.raw, scores.target, scores.g, scores.h, start, end);
  } else if (op === Op.Build) {
    if (!layout) throw new Error('a histogram task before the bins');
    const hist = buffer<Float64Array>(control[Word.Hist]);
    hist.fill(0);
    buildHistogram(
      hist,
      binned,
      layout,
      buffer<Int32Array>(control[Word.Rows]),
      { start, end },
      buffer<Float64Array>(control[Word.Gradients]),
      control[Word.Hessians] ? buffer<Float64Array>(control[Word.Hessians]) : null,
      control[Word.Counts] === 1,
    );
  } else {
    throw new Error(`unknown task ${op}`);
  }
}

Atomics.store(control, Word.Ready, 1);
Atomics.notify(control, Word.Ready);
let task = 0;
for (;;) {
  spinWhile(control, Word.Task, task);
  Atomics.wait(control, Word.Task, task);
  task = Atomics.load(control, Word.Task);
  const op = control[Word.Op];
  if (op === Op.Stop) break;
  try {
    run(op, control[Word.Start], control[Word.End]);
  } catch (error) {
    port.postMessage({ error: (error as Error).stack ?? String(error) });
    Atomics.store(control, Word.Failed, 1);
  }
  Atomics.store(control, Word.Done, task);
  Atomics.notify(control, Word.Done);
}
port.close();

// One gradient-boosted trees fit in a process of its own, the platform's side of
// `bash bench/run.sh trainers scale`: reads the data bench/sklearn/trees_scale.py wrote, fits with
// the same settings as scikit-learn's side (100 iterations, 31 leaves, learning rate 0.1, 20
// samples per leaf, 255 bins, no early stopping) on `threads` threads, prints JSON: seconds,
// test accuracy, peak RSS of the process.
//   node bench/load/tree-fit.mts DIR THREADS
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { accuracy, fitGradientBoostedTrees, predictClass } from '@mlops/ml';

const [dir, threadArg] = process.argv.slice(2);
const meta: { features: number; train: number; test: number } = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8'));
const f64 = (name: string) => {
  const bytes = readFileSync(`${dir}/${name}.f64`);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
};
// With more than one thread the training matrix is read into shared memory, so that the worker
// threads bin it too (FitThreads shares the binning only then; it does not copy the matrix).
const sharedF64 = (name: string) => {
  const file = openSync(`${dir}/${name}.f64`, 'r');
  const data = new Float64Array(new SharedArrayBuffer(fstatSync(file).size));
  readSync(file, new Uint8Array(data.buffer));
  closeSync(file);
  return data;
};
const X = { rows: meta.train, cols: meta.features, data: Number(threadArg ?? 1) > 1 ? sharedF64('X_train') : f64('X_train') };
const y = Array.from(f64('y_train'));
const featureNames = Array.from({ length: meta.features }, (_, i) => `f${i}`);
const start = performance.now();
const model = fitGradientBoostedTrees(X, y, {
  task: 'binary', featureNames, maxIterations: 100, maxLeafNodes: 31, learningRate: 0.1, minSamplesLeaf: 20,
  threads: Number(threadArg ?? 1),
});
const seconds = (performance.now() - start) / 1000;
const Xt = { rows: meta.test, cols: meta.features, data: f64('X_test') };
const testAccuracy = accuracy(Array.from(f64('y_test')), Array.from(predictClass(model, Xt)));
console.log(JSON.stringify({ seconds, accuracy: testAccuracy, peakMiB: process.resourceUsage().maxRSS / 1024 }));

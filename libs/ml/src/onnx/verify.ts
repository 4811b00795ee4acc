// Every exported model is scored by onnxruntime on a sample and compared with our own scorer
// before it is published, so a graph that disagrees with the TypeScript model never ships.
import type { Tensor } from 'onnxruntime-node';
import type { Matrix, TrainedModel } from '../models';
import { ONNX_INPUT, ONNX_LABEL_OUTPUT, ONNX_PROBABILITIES_OUTPUT, ONNX_REGRESSION_OUTPUT } from './export';

/** Our scorer's output: `values` for regressors, `probabilities` (one array per row, in class order) for classifiers. */
export interface ReferencePrediction {
  probabilities?: Float64Array[];
  values?: Float64Array;
}

export interface VerifyResult {
  maxAbsDiff: number;
  rows: number;
}

type OnnxOutputs = Record<string, Tensor>;

/**
 * Runs `onnxBytes` on `sample` in onnxruntime and compares with `predict`.
 *
 * The sample is rounded to float32 first and `predict` scores the rounded values too: the graph's
 * input is FP32, so rounding is part of what the exported model means, and comparing against
 * float64 features would flag rows within a float32 ulp of a tree threshold that are not errors.
 *
 * A value passes when |onnx - ours| <= tolerance * max(1, |ours|): float32 arithmetic carries
 * about 7 significant digits, so a regression predicting 1e5 cannot match to 1e-4 absolutely.
 * Labels must equal the class of our highest probability, except on near-ties (top two
 * probabilities within the tolerance), where float32 rounding may legitimately pick either.
 *
 * @throws Error naming the output, row and both values at the first disagreement.
 */
export async function verifyOnnx(
  model: TrainedModel,
  onnxBytes: Uint8Array,
  sample: Matrix,
  predict: (X: Matrix) => ReferencePrediction,
  tolerance = 1e-4,
): Promise<VerifyResult> {
  const featureCount = model.featureNames.length;
  if (sample.cols !== featureCount) throw new Error(`verifyOnnx: sample has ${sample.cols} columns, model ${featureCount} features`);
  const input = Float32Array.from(sample.data);
  const expected = predict({ rows: sample.rows, cols: sample.cols, data: Float64Array.from(input) });
  const outputs = await runOnnx(onnxBytes, input, sample.rows, sample.cols);
  if (sample.rows === 0) return { maxAbsDiff: 0, rows: 0 };
  const maxAbsDiff = isClassifier(model)
    ? compareClassifier(model.classes, outputs, expected, sample.rows, tolerance)
    : compareRegressor(outputs, expected, sample.rows, tolerance);
  return { maxAbsDiff, rows: sample.rows };
}

function isClassifier(model: TrainedModel): model is Exclude<TrainedModel, { kind: 'linear_regression' }> {
  return model.kind === 'logistic_regression' || (model.kind === 'gradient_boosted_trees' && model.task !== 'regression');
}

/** Loads the model even for an empty sample, so an unloadable graph is always caught. */
async function runOnnx(bytes: Uint8Array, input: Float32Array, rows: number, cols: number): Promise<OnnxOutputs> {
  // Loaded on demand: importing @mlops/ml should not load the native runtime into every service.
  const { InferenceSession, Tensor } = await import('onnxruntime-node');
  const session = await InferenceSession.create(bytes);
  try {
    if (rows === 0) return {};
    return await session.run({ [ONNX_INPUT]: new Tensor('float32', input, [rows, cols]) });
  } finally {
    await session.release();
  }
}

function output(outputs: OnnxOutputs, name: string, size: number): Tensor['data'] {
  const tensor = outputs[name];
  if (tensor === undefined) throw new Error(`verifyOnnx: the ONNX model has no output "${name}"`);
  if (tensor.data.length !== size) throw new Error(`verifyOnnx: output "${name}" has ${tensor.data.length} values, expected ${size}`);
  return tensor.data;
}

function compareRegressor(outputs: OnnxOutputs, expected: ReferencePrediction, rows: number, tolerance: number): number {
  const values = expected.values;
  if (values === undefined || values.length !== rows) throw new Error(`verifyOnnx: predict returned no value per row for ${rows} rows`);
  const actual = output(outputs, ONNX_REGRESSION_OUTPUT, rows) as Float32Array;
  let maxAbsDiff = 0;
  for (let row = 0; row < rows; row++) {
    maxAbsDiff = Math.max(maxAbsDiff, checkValue(ONNX_REGRESSION_OUTPUT, row, actual[row], values[row], tolerance));
  }
  return maxAbsDiff;
}

function compareClassifier(
  classes: number[],
  outputs: OnnxOutputs,
  expected: ReferencePrediction,
  rows: number,
  tolerance: number,
): number {
  const probabilities = expected.probabilities;
  if (probabilities === undefined || probabilities.length !== rows) {
    throw new Error(`verifyOnnx: predict returned no probabilities per row for ${rows} rows`);
  }
  const width = classes.length;
  const actual = output(outputs, ONNX_PROBABILITIES_OUTPUT, rows * width) as Float32Array;
  const labels = output(outputs, ONNX_LABEL_OUTPUT, rows) as BigInt64Array;
  let maxAbsDiff = 0;
  for (let row = 0; row < rows; row++) {
    const ours = probabilities[row];
    if (ours.length !== width) throw new Error(`verifyOnnx: row ${row} has ${ours.length} probabilities for ${width} classes`);
    for (let c = 0; c < width; c++) {
      const where = `${ONNX_PROBABILITIES_OUTPUT}[${c}]`;
      maxAbsDiff = Math.max(maxAbsDiff, checkValue(where, row, actual[row * width + c], ours[c], tolerance));
    }
    checkLabel(row, Number(labels[row]), ours, classes, tolerance);
  }
  return maxAbsDiff;
}

/** Returns |actual - expected| or throws when it exceeds the tolerance. */
function checkValue(name: string, row: number, actual: number, expected: number, tolerance: number): number {
  // Equal infinities (and NaN against NaN) agree even though their difference is NaN.
  if (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected))) return 0;
  const diff = Math.abs(actual - expected);
  if (!(diff <= tolerance * Math.max(1, Math.abs(expected)))) {
    throw new Error(`verifyOnnx: output "${name}" row ${row}: onnxruntime ${actual}, ours ${expected} (tolerance ${tolerance})`);
  }
  return diff;
}

function checkLabel(row: number, label: number, probabilities: Float64Array, classes: number[], tolerance: number): void {
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
  const runnerUp = Math.max(...Array.from(probabilities).filter((_, c) => c !== best));
  if (label === classes[best] || probabilities[best] - runnerUp <= tolerance) return;
  throw new Error(`verifyOnnx: output "${ONNX_LABEL_OUTPUT}" row ${row}: onnxruntime ${label}, ours ${classes[best]}`);
}

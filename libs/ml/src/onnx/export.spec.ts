import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Matrix, TrainedModel } from '../models';
import { exportOnnx } from './export';
import { referenceScore } from './testing/reference-score';
import {
  binaryLogistic,
  gbdtBinary,
  gbdtMulticlass,
  gbdtRegression,
  gbdtWithoutTrees,
  INEXACT_THRESHOLD,
  largeLinearRegression,
  linearRegression,
  multinomialLogistic,
  sampleRows,
} from './testing/models';
import { verifyOnnx } from './verify';

const predictWith = (model: TrainedModel) => (X: Matrix) => referenceScore(model, X);

async function run(bytes: Uint8Array, rows: number[][]): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(bytes);
  try {
    const input = new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
    return await session.run({ input });
  } finally {
    await session.release();
  }
}

describe('exportOnnx + verifyOnnx against a reference scorer', () => {
  const sample = sampleRows();
  it.each([
    ['linear regression', linearRegression],
    ['linear regression with large predictions', largeLinearRegression],
    ['binary logistic regression', binaryLogistic],
    ['multinomial logistic regression', multinomialLogistic],
    ['GBDT regression', gbdtRegression],
    ['GBDT binary', gbdtBinary],
    ['GBDT multiclass (3 outputs, one single-leaf tree)', gbdtMulticlass],
    ['GBDT without trees', gbdtWithoutTrees],
  ] as [string, TrainedModel][])('%s matches onnxruntime on every row', async (_, model) => {
    const result = await verifyOnnx(model, exportOnnx(model), sample, predictWith(model));
    expect(result.rows).toBe(sample.rows);
    expect(result.maxAbsDiff).toBeLessThan(model === largeLinearRegression ? 0.05 : 1e-5);
  });

  it('verifies an empty sample by loading the model only', async () => {
    const empty = { rows: 0, cols: 3, data: new Float64Array(0) };
    await expect(verifyOnnx(gbdtBinary, exportOnnx(gbdtBinary), empty, predictWith(gbdtBinary))).resolves.toEqual({
      maxAbsDiff: 0,
      rows: 0,
    });
  });
});

describe('exported graphs', () => {
  it('route rows on and around thresholds like the model does', async () => {
    // treeC: x1 <= 0.1 → 10, else -10, missing → left. 0.1 itself rounds up in float32 (goes right).
    const model = { ...gbdtRegression, baseScore: [0], trees: gbdtRegression.trees.slice(2) };
    const justBelow = Math.fround(INEXACT_THRESHOLD) - 2 ** -27;
    const { variable } = await run(exportOnnx(model), [
      [0, justBelow, 0],
      [0, INEXACT_THRESHOLD, 0],
      [0, NaN, 0],
    ]);
    expect(Array.from(variable.data as Float32Array)).toEqual([10, -10, 10]);
    expect(variable.dims).toEqual([3, 1]);
  });

  it('send a row exactly on a float32-exact threshold left', async () => {
    const { variable } = await run(exportOnnx({ ...gbdtRegression, baseScore: [0], trees: [gbdtRegression.trees[0]] }), [
      [0.5, 5, 0],
      [Math.fround(0.5 + 2 ** -24), 0, 0],
    ]);
    expect(Array.from(variable.data as Float32Array)).toEqual([-1, 2]);
  });

  it('label classifiers with the original class values', async () => {
    const rows = [
      [3, 0, 0],
      [0, 3, -3],
      [0, 0, 4],
    ];
    const { label, probabilities } = await run(exportOnnx(multinomialLogistic), rows);
    expect(Array.from(label.data as BigInt64Array)).toEqual([3n, 7n, 9n]);
    expect(probabilities.dims).toEqual([3, 3]);
  });

  it('give binary classifiers two probability columns, [1 - p, p]', async () => {
    const { label, probabilities } = await run(exportOnnx(binaryLogistic), [
      [2, 0, 0],
      [-2, 0, 0],
    ]);
    const p = probabilities.data as Float32Array;
    expect(probabilities.dims).toEqual([2, 2]);
    expect(p[0] + p[1]).toBeCloseTo(1, 6);
    expect(p[1]).toBeGreaterThan(0.5);
    expect(Array.from(label.data as BigInt64Array)).toEqual([1n, 0n]);
  });
});

describe('exportOnnx validation', () => {
  it.each([
    ['non-integer classes', { ...binaryLogistic, classes: [0, 1.5] }, /not an integer/],
    ['coefficient count', { ...linearRegression, coef: [1, 2] }, /2 coefficients for 3 features/],
    ['class count', { ...multinomialLogistic, classes: [3, 7] }, /3 scores for 2 classes/],
    ['feature index', { ...gbdtRegression, trees: [[[{ ...gbdtRegression.trees[2][0][0], feature: 3 }]]] }, /feature 3 of 3/],
    ['dangling child', { ...gbdtRegression, trees: [[gbdtRegression.trees[2][0].slice(0, 2)]] }, /node 2 which does not exist/],
    ['outputs per iteration', { ...gbdtMulticlass, trees: [gbdtMulticlass.trees[0].slice(1)] }, /2 trees, expected 3/],
    ['binary task with 3 outputs', { ...gbdtMulticlass, task: 'binary' }, /task binary with 3 outputs/],
  ] as [string, TrainedModel, RegExp][])('rejects a bad %s', (_, model, message) => {
    expect(() => exportOnnx(model)).toThrow(message);
  });
});

describe('verifyOnnx', () => {
  const sample = sampleRows(20);

  it('names the output, row and both values when a prediction differs', async () => {
    const wrong = (X: Matrix) => {
      const values = referenceScore(gbdtRegression, X).values as Float64Array;
      values[4] += 0.01;
      return { values };
    };
    await expect(verifyOnnx(gbdtRegression, exportOnnx(gbdtRegression), sample, wrong)).rejects.toThrow(
      /output "variable" row 4: onnxruntime -?[\d.]+, ours -?[\d.]+/,
    );
  });

  it('catches a probability that differs', async () => {
    const wrong = (X: Matrix) => {
      const probabilities = referenceScore(gbdtMulticlass, X).probabilities as Float64Array[];
      probabilities[7] = Float64Array.from(probabilities[7], (p, c) => (c === 2 ? p + 1e-3 : p));
      return { probabilities };
    };
    await expect(verifyOnnx(gbdtMulticlass, exportOnnx(gbdtMulticlass), sample, wrong)).rejects.toThrow(
      /output "probabilities\[2\]" row 7/,
    );
  });

  it('rejects a sample with the wrong number of columns', async () => {
    const bad = { rows: 1, cols: 2, data: new Float64Array(2) };
    await expect(verifyOnnx(linearRegression, exportOnnx(linearRegression), bad, predictWith(linearRegression))).rejects.toThrow(
      /2 columns, model 3 features/,
    );
  });
});

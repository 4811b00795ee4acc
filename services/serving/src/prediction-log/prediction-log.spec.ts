import { type PredictionEntry, predictionBatches } from './prediction-log';

const entry = (over: Partial<PredictionEntry>): PredictionEntry => ({
  requestId: 'r1',
  model: 'm',
  version: 3,
  role: 'stable',
  deploymentId: '',
  inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
  featureNames: ['a', 'b', 'c'],
  outputs: { label: { type: 'int64', dims: [2], data: BigInt64Array.from([1n, 0n]) }, probabilities: { type: 'float32', dims: [2, 2], data: Float32Array.from([0.25, 0.75, 0.5, 0.5]) } },
  predictions: [1, 0],
  latencyMs: 1.5,
  servedAtMs: 1000,
  ...over,
});

describe('prediction log batches', () => {
  it('logs one prediction per row, with the row\'s features by name and its outputs flattened', () => {
    const [batch] = predictionBatches([entry({})]);
    expect(batch.message.modelName).toBe('m');
    expect(batch.message.predictions).toEqual([
      expect.objectContaining({ requestId: 'r1', row: 0, version: 3, features: { a: 1, b: 2, c: 3 }, outputs: [1, 0.25, 0.75], prediction: 1, role: 'stable', latencyMs: 1.5, score: 0.75 }),
      expect.objectContaining({ requestId: 'r1', row: 1, features: { a: 4, b: 5, c: 6 }, outputs: [0, 0.5, 0.5], prediction: 0, score: 0.5 }),
    ]);
  });

  it('batches by model and names features by input when the signature has no feature names', () => {
    const batches = predictionBatches([entry({}), entry({ model: 'n', featureNames: [], inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: Float32Array.from([7, 8]) }, { name: 'flag', datatype: 'BOOL', shape: [1], data: [true] }], predictions: [5] }), entry({ requestId: 'r2' })]);
    expect(batches.map((b) => [b.message.modelName, b.message.predictions.length])).toEqual([['m', 4], ['n', 1]]);
    expect(batches[1].message.predictions[0].features).toEqual({ 'x[0]': 7, 'x[1]': 8, flag: 1 });
    expect(batches[0].key).toMatch(/^m\/\d+$/);
  });
});

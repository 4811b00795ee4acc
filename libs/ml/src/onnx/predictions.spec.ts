import { predictionOutput, rowPredictions } from './predictions';

describe('predictions of a model', () => {
  it('takes the label of a classifier, the value of a regressor', () => {
    expect(predictionOutput([{ name: 'label', datatype: 'INT64' }, { name: 'probabilities', datatype: 'FP32' }])).toEqual({ name: 'label', task: 'classification' });
    expect(predictionOutput([{ name: 'probabilities', datatype: 'FP32' }, { name: 'label', datatype: 'INT64' }])).toEqual({ name: 'label', task: 'classification' });
    expect(predictionOutput([{ name: 'variable', datatype: 'FP32' }])).toEqual({ name: 'variable', task: 'regression' });
    expect(predictionOutput([{ name: 'text', datatype: 'BYTES' }])).toBeUndefined();
  });

  it("reads the first value of each row, by the output's own first dimension", () => {
    expect(rowPredictions({ dims: [3], data: BigInt64Array.from([1n, 0n, 1n]) })).toEqual([1, 0, 1]);
    expect(rowPredictions({ dims: [2, 2], data: Float32Array.from([0.5, 1, 2, 3]) })).toEqual([0.5, 2]);
    expect(rowPredictions({ dims: [4, 3], data: [1, 2] })).toEqual([]);
    expect(rowPredictions(undefined)).toEqual([]);
  });
});

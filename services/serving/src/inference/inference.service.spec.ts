import type { LoadedModel } from '../models/loaded-model';
import { AdaptiveBatcher } from './domain/batcher';
import { InferenceService } from './inference.service';

describe('InferenceService.run', () => {
  const run = jest.fn(async () => ({}));
  const model = {
    name: 'm',
    version: 1,
    inputs: [
      { name: 'a', datatype: 'FP32', shape: [-1, 3] },
      { name: 'b', datatype: 'FP32', shape: [-1, 2] },
    ],
    session: { outputNames: ['y'] },
    batcher: new AdaptiveBatcher(run, { maxBatchSize: 32, maxQueueDelayMs: 1 }),
    run,
  } as unknown as LoadedModel;
  const service = new InferenceService();
  const request = (rowsA: number, rowsB: number) =>
    service.decode({
      modelName: 'm',
      modelVersion: '',
      id: '',
      outputs: [],
      rawInputContents: [],
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [rowsA, 3], contents: { fp32Contents: new Array(rowsA * 3).fill(1) } },
        { name: 'b', datatype: 'FP32', shape: [rowsB, 2], contents: { fp32Contents: new Array(rowsB * 2).fill(1) } },
      ],
    });

  it('refuses inputs that disagree on the batch dimension before they reach a merged run', () => {
    expect(() => service.run(model, request(2, 3))).toThrow('inputs disagree on the batch dimension: "a" has 2 rows, "b" has 3');
    expect(run).not.toHaveBeenCalled();
  });

  it('runs inputs that agree', async () => {
    await service.run(model, request(2, 2));
    expect(run).toHaveBeenCalledTimes(1);
  });
});

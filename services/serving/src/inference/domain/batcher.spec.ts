import { AdaptiveBatcher, type BatchOutput } from './batcher';
import type { Tensor } from './tensors';

const input = (values: number[][]): Tensor[] => [{ name: 'x', datatype: 'FP32', shape: [values.length, 2], data: Float32Array.from(values.flat()) }];

/** A fake model that doubles its input and records each run's batch; it answers when told. */
function fakeModel() {
  const runs: { rows: number; release: () => void }[] = [];
  const run = (inputs: Tensor[]) =>
    new Promise<Record<string, BatchOutput>>((resolve) => {
      const x = inputs[0];
      runs.push({
        rows: x.shape[0],
        release: () => resolve({ y: { type: 'float32', dims: [x.shape[0], 2], data: Float32Array.from(x.data as Float32Array, (v) => v * 2) } }),
      });
    });
  return { run, runs };
}

describe('AdaptiveBatcher', () => {
  it('runs at once when idle, and merges what queues while a run is in flight', async () => {
    const model = fakeModel();
    const batcher = new AdaptiveBatcher(model.run, { maxBatchSize: 10, maxQueueDelayMs: 1000 });
    const first = batcher.infer(input([[1, 1]]));
    expect(model.runs.map((r) => r.rows)).toEqual([1]);
    const second = batcher.infer(input([[2, 2], [3, 3]]));
    const third = batcher.infer(input([[4, 4]]));
    expect(model.runs).toHaveLength(1);
    model.runs[0].release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(model.runs.map((r) => r.rows)).toEqual([1, 3]);
    model.runs[1].release();
    expect(Array.from((await second).y.data as Float32Array)).toEqual([4, 4, 6, 6]);
    expect((await second).y.dims).toEqual([2, 2]);
    expect(Array.from((await third).y.data as Float32Array)).toEqual([8, 8]);
  });

  it('flushes a full batch without waiting, and never exceeds the maximum', async () => {
    const model = fakeModel();
    const batcher = new AdaptiveBatcher(model.run, { maxBatchSize: 3, maxQueueDelayMs: 10_000 });
    const pending = [batcher.infer(input([[0, 0]])), ...[1, 2, 3, 4].map((i) => batcher.infer(input([[i, i]])))];
    expect(model.runs.map((r) => r.rows)).toEqual([1, 3]);
    for (const r of model.runs) r.release();
    await new Promise((r) => setImmediate(r));
    expect(model.runs.map((r) => r.rows)).toEqual([1, 3, 1]);
    model.runs[2].release();
    expect((await Promise.all(pending)).map((o) => (o.y.data as Float32Array)[0])).toEqual([0, 2, 4, 6, 8]);
  });

  it('flushes after the queue delay, and fails every request of a failed run', async () => {
    const batcher = new AdaptiveBatcher(() => Promise.reject(new Error('model crashed')), { maxBatchSize: 8, maxQueueDelayMs: 5 });
    await expect(Promise.all([batcher.infer(input([[1, 1]])), batcher.infer(input([[2, 2]]))])).rejects.toThrow('model crashed');
  });
});

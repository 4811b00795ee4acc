import { grpcClient } from './grpc-client';

export interface SeededExperiment {
  experiment: string;
  runIds: string[];
  /** Metric names, m00 … */
  metrics: string[];
  /** Params every run has, with the values of the search grid. */
  params: Record<string, string[]>;
}

/**
 * A hyperparameter search as the training service records one, through its public gRPC API:
 * `runs` runs over a grid of learning_rate × max_depth × l2 (and a seed), each logging
 * `metrics` metrics at `steps` steps (LogBatch), then finished. Values are a smooth function of
 * the params and the step, so curves and parallel coordinates look like a real search.
 */
export async function seedExperiment(trainingAddress: string, options: { experiment: string; runs: number; metrics: number; steps: number; concurrency?: number; onProgress?: (done: number) => void }): Promise<SeededExperiment> {
  const training = grpcClient(trainingAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
  const metrics = Array.from({ length: options.metrics }, (_, i) => `m${String(i).padStart(2, '0')}`);
  const params = { learning_rate: ['0.001', '0.003', '0.01', '0.03', '0.1', '0.2', '0.3', '0.5', '0.7', '1.0'], max_depth: ['2', '3', '4', '5', '6', '7', '8', '10', '12', '16'], l2: ['0', '0.0001', '0.001', '0.01', '0.05', '0.1', '0.5', '1', '5', '10'] };
  const runIds: string[] = new Array(options.runs);
  let next = 0;
  let done = 0;
  const one = async (i: number) => {
    const lr = params.learning_rate[i % 10];
    const depth = params.max_depth[Math.floor(i / 10) % 10];
    const l2 = params.l2[Math.floor(i / 100) % 10];
    const run = await training.CreateRun({ experiment: options.experiment, runName: `trial-${i}` });
    const quality = 1 - Math.abs(Math.log10(Number(lr)) + 1.5) / 4 - Math.abs(Number(depth) - 6) / 40 - Number(l2) / 50;
    const values = [];
    for (let m = 0; m < metrics.length; m++) {
      for (let step = 0; step < options.steps; step++) {
        const progress = 1 - Math.exp(-(step + 1) / 3);
        values.push({ key: metrics[m], step, value: Number((quality * progress * (1 - m / 200) + ((i * 7 + m * 3 + step) % 11) / 1000).toFixed(6)) });
      }
    }
    await training.LogBatch({ runId: run.runId, metrics: values, params: { learning_rate: lr, max_depth: depth, l2, seed: String(i % 7) } });
    await training.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_FINISHED' });
    runIds[i] = run.runId;
    options.onProgress?.(++done);
  };
  try {
    await Promise.all(
      Array.from({ length: options.concurrency ?? 8 }, async () => {
        while (next < options.runs) await one(next++);
      }),
    );
  } finally {
    training.close();
  }
  return { experiment: options.experiment, runIds, metrics, params: { ...params, seed: ['0', '1', '2', '3', '4', '5', '6'] } };
}

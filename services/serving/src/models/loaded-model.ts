import * as ort from 'onnxruntime-node';
import type { registry } from '@mlops/contracts';
import { type PredictionTask, predictionOutput, rowPredictions } from '@mlops/ml';
import type { AdaptiveBatcher, BatchOutput, BatchPolicy, RunBatch } from '../inference/domain/batcher';
import type { Tensor, TensorSpec } from '../inference/domain/tensors';

/** A model version loaded into onnxruntime and warmed up. */
export interface LoadedModel {
  name: string;
  version: number;
  session: ort.InferenceSession;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  featureNames: string[];
  /** Classifiers have an integer label output; everything else is read as a regressor. */
  task: PredictionTask;
  /** Merges concurrent requests; absent when an input has no variable batch dimension. */
  batcher?: AdaptiveBatcher;
  run: RunBatch;
  /** The prediction of each row (rows = the output's first dimension): the label output's
   * value, or the first value of the first float output. */
  predictions(outputs: Record<string, BatchOutput>): number[];
  warmUp(): Promise<void>;
}

const ORT_TYPE = { FP32: 'float32', FP64: 'float64', INT32: 'int32', INT64: 'int64', BOOL: 'bool', BYTES: 'string' } as const;

export function toFeeds(inputs: Tensor[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) feeds[t.name] = new ort.Tensor(ORT_TYPE[t.datatype], t.data as never, t.shape);
  return feeds;
}

/** Batching defaults (SERVING_MAX_BATCH_SIZE, SERVING_MAX_QUEUE_DELAY_MS), overridable per model
 * version with the tags serving.max_batch_size and serving.max_queue_delay_ms. */
export function batchPolicy(tags: Record<string, string>, defaults: BatchPolicy): BatchPolicy {
  const number = (value: string | undefined, fallback: number) => (value !== undefined && Number.isFinite(Number(value)) && Number(value) >= 0 ? Number(value) : fallback);
  return {
    maxBatchSize: number(tags['serving.max_batch_size'], defaults.maxBatchSize),
    maxQueueDelayMs: number(tags['serving.max_queue_delay_ms'], defaults.maxQueueDelayMs),
  };
}

export function loadedModel(
  name: string,
  version: number,
  session: ort.InferenceSession,
  signature: registry.Signature | undefined,
  policy: BatchPolicy,
  batcherOf: (run: RunBatch, policy: BatchPolicy) => AdaptiveBatcher,
): LoadedModel {
  const inputs = inputSpecs(signature);
  const outputs = (signature?.outputs ?? []).map(toSpec);
  const run: RunBatch = async (tensors) => (await session.run(toFeeds(tensors))) as unknown as Record<string, BatchOutput>;
  const batchable = policy.maxBatchSize > 1 && inputs.length > 0 && inputs.every((i) => i.shape[0] === -1 && i.shape.slice(1).every((d) => d >= 0));
  const source = predictionOutput(outputs);
  return {
    name,
    version,
    session,
    inputs,
    outputs,
    featureNames: signature?.featureNames ?? [],
    task: source?.task ?? 'regression',
    batcher: batchable ? batcherOf(run, policy) : undefined,
    run,
    predictions: (results) => rowPredictions(source ? results[source.name] : undefined),
    warmUp: () => warmUp(session, inputs),
  };
}

/** The inputs a version's signature declares. */
export function inputSpecs(signature: registry.Signature | undefined): TensorSpec[] {
  return (signature?.inputs ?? []).map(toSpec);
}

function toSpec(t: registry.TensorSpec): TensorSpec {
  return { name: t.name, datatype: t.datatype, shape: (t.shape ?? []).map(Number) };
}

/** One inference on zeros (batch 1), so the first real request does not pay for initialization. */
export async function warmUp(session: ort.InferenceSession, inputs: TensorSpec[]): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const shape = input.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((n, d) => n * d, 1);
    if (input.datatype === 'FP32') feeds[input.name] = new ort.Tensor('float32', new Float32Array(count), shape);
    else if (input.datatype === 'FP64') feeds[input.name] = new ort.Tensor('float64', new Float64Array(count), shape);
    else if (input.datatype === 'INT64') feeds[input.name] = new ort.Tensor('int64', new BigInt64Array(count), shape);
    else if (input.datatype === 'INT32') feeds[input.name] = new ort.Tensor('int32', new Int32Array(count), shape);
    else return; // no generic zero for this input type: skip the warm-up
  }
  await session.run(feeds);
}

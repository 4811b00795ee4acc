import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { firstValueFrom, toArray } from 'rxjs';
import { registry } from '@mlops/contracts';
import { dataLoss, failedPrecondition, notFound } from '@mlops/errors';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { Histogram } from 'prom-client';
import { AdaptiveBatcher, type BatchOutput, type BatchPolicy } from '../inference/domain/batcher';
import type { Tensor, TensorSpec } from '../inference/domain/tensors';

/** A model version loaded into onnxruntime and warmed up. */
export interface LoadedModel {
  name: string;
  version: number;
  session: ort.InferenceSession;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  featureNames: string[];
  /** Merges concurrent requests; absent when an input has no variable batch dimension. */
  batcher?: AdaptiveBatcher;
  run(inputs: Tensor[]): Promise<Record<string, BatchOutput>>;
}

const ORT_TYPE = { FP32: 'float32', FP64: 'float64', INT32: 'int32', INT64: 'int64', BOOL: 'bool', BYTES: 'string' } as const;

export function toFeeds(inputs: Tensor[]): Record<string, ort.Tensor> {
  return Object.fromEntries(inputs.map((t) => [t.name, new ort.Tensor(ORT_TYPE[t.datatype], t.data as never, t.shape)]));
}

/** Batching defaults (SERVING_MAX_BATCH_SIZE, SERVING_MAX_QUEUE_DELAY_MS), overridable per model
 * version with the tags serving.max_batch_size and serving.max_queue_delay_ms. */
export function batchPolicy(tags: Record<string, string>, env: Record<string, string | undefined> = process.env): BatchPolicy {
  const number = (value: string | undefined, fallback: number) => (value !== undefined && Number.isFinite(Number(value)) && Number(value) >= 0 ? Number(value) : fallback);
  return {
    maxBatchSize: number(tags['serving.max_batch_size'], number(env.SERVING_MAX_BATCH_SIZE, 32)),
    maxQueueDelayMs: number(tags['serving.max_queue_delay_ms'], number(env.SERVING_MAX_QUEUE_DELAY_MS, 2)),
  };
}

/**
 * Model versions from the registry, loaded once per process: the artifact is downloaded, its
 * sha256 checked against the version's, loaded into onnxruntime and run once on zeros before it
 * takes traffic. A name without a version resolves to the `production` alias.
 */
@Injectable()
export class ModelStore implements OnModuleDestroy {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();
  private readonly batchRequests: Histogram<'model' | 'version'>;

  constructor(
    private readonly upstream: UpstreamClients,
    private readonly logger: JsonLogger,
    metrics: PlatformMetrics,
  ) {
    this.batchRequests = new Histogram({
      name: 'mlops_serving_batch_requests',
      help: 'Requests merged into one onnxruntime run (adaptive batching).',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [metrics.registry],
    });
  }

  private get registry(): registry.RegistryServiceClient {
    return this.upstream.client('registry', 'mlops.registry.v1', 'mlops/registry/v1/registry.proto', 'RegistryService');
  }

  async get(name: string, version: string): Promise<LoadedModel> {
    const number = version ? Number(version) : await this.routedVersion(name);
    if (!Number.isInteger(number) || number <= 0) throw notFound(`model "${name}" has no version "${version}"`);
    const key = `${name}:${number}`;
    let model = this.loaded.get(key);
    if (!model) {
      model = this.load(name, number);
      this.loaded.set(key, model);
      model.catch(() => this.loaded.delete(key));
    }
    return model;
  }

  /** Ready when loaded (or loadable: a load is started and awaited). */
  async isReady(name: string, version: string): Promise<boolean> {
    return this.get(name, version).then(
      () => true,
      () => false,
    );
  }

  async versions(name: string): Promise<string[]> {
    const list = await callUpstream('registry', `model "${name}"`, () => firstValueFrom(this.registry.listModelVersions({ modelName: name })));
    return (list.versions ?? []).filter((v) => v.status === registry.VersionStatus.VERSION_STATUS_READY).map((v) => String(v.version));
  }

  async onModuleDestroy(): Promise<void> {
    for (const model of this.loaded.values()) await model.then((m) => m.session.release()).catch(() => undefined);
  }

  private async routedVersion(name: string): Promise<number> {
    const version = await callUpstream('registry', `model "${name}" (no version given, and no production alias)`, () => firstValueFrom(this.registry.getModelVersionByAlias({ modelName: name, alias: 'production' })));
    return version.version;
  }

  private async load(name: string, number: number): Promise<LoadedModel> {
    const version = await callUpstream('registry', `model "${name}" version ${number}`, () => firstValueFrom(this.registry.getModelVersion({ modelName: name, version: number })));
    if (version.status !== registry.VersionStatus.VERSION_STATUS_READY) throw failedPrecondition(`model "${name}" version ${number} is not ready (${version.statusMessage || 'status ' + version.status})`);
    const chunks = await callUpstream('registry', `artifact of "${name}" version ${number}`, () => firstValueFrom(this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(toArray())));
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    if (createHash('sha256').update(bytes).digest('hex') !== version.artifactSha256) throw dataLoss(`artifact of "${name}" version ${number} does not match its sha256`);
    const session = await ort.InferenceSession.create(bytes);
    const inputs = (version.signature?.inputs ?? []).map(toSpec);
    const run = async (tensors: Tensor[]) => (await session.run(toFeeds(tensors))) as unknown as Record<string, BatchOutput>;
    const policy = batchPolicy(version.tags ?? {});
    const batchable = policy.maxBatchSize > 1 && inputs.length > 0 && inputs.every((i) => i.shape[0] === -1 && i.shape.slice(1).every((d) => d >= 0));
    const model: LoadedModel = {
      name,
      version: number,
      session,
      inputs,
      outputs: (version.signature?.outputs ?? []).map(toSpec),
      featureNames: version.signature?.featureNames ?? [],
      batcher: batchable ? new AdaptiveBatcher(run, policy, (_rows, requests) => this.batchRequests.observe({ model: name, version: String(number) }, requests)) : undefined,
      run,
    };
    await warmUp(model);
    this.logger.info('model loaded', { model: name, version: number, inputs: model.inputs.map((i) => i.name) });
    return model;
  }
}

function toSpec(t: registry.TensorSpec): TensorSpec {
  return { name: t.name, datatype: t.datatype, shape: (t.shape ?? []).map(Number) };
}

/** One inference on zeros (batch 1), so the first real request does not pay for initialization. */
async function warmUp(model: LoadedModel): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.inputs) {
    const shape = input.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((n, d) => n * d, 1);
    if (input.datatype === 'FP32') feeds[input.name] = new ort.Tensor('float32', new Float32Array(count), shape);
    else if (input.datatype === 'FP64') feeds[input.name] = new ort.Tensor('float64', new Float64Array(count), shape);
    else if (input.datatype === 'INT64') feeds[input.name] = new ort.Tensor('int64', new BigInt64Array(count), shape);
    else if (input.datatype === 'INT32') feeds[input.name] = new ort.Tensor('int32', new Int32Array(count), shape);
    else return; // no generic zero for this input type: skip the warm-up
  }
  await model.session.run(feeds);
}

import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { firstValueFrom, toArray } from 'rxjs';
import { registry } from '@mlops/contracts';
import { dataLoss, failedPrecondition, notFound, unavailable } from '@mlops/errors';
import { UpstreamClients } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import type { TensorSpec } from '../inference/domain/tensors';

/** A model version loaded into onnxruntime and warmed up. */
export interface LoadedModel {
  name: string;
  version: number;
  session: ort.InferenceSession;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  featureNames: string[];
}

/**
 * Model versions from the registry, loaded once per process: the artifact is downloaded, its
 * sha256 checked against the version's, loaded into onnxruntime and run once on zeros before it
 * takes traffic. A name without a version resolves to the `production` alias.
 */
@Injectable()
export class ModelStore implements OnModuleDestroy {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly upstream: UpstreamClients,
    private readonly logger: JsonLogger,
  ) {}

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
    const list = await this.call(() => firstValueFrom(this.registry.listModelVersions({ modelName: name })), `model "${name}"`);
    return (list.versions ?? []).filter((v) => v.status === registry.VersionStatus.VERSION_STATUS_READY).map((v) => String(v.version));
  }

  async onModuleDestroy(): Promise<void> {
    for (const model of this.loaded.values()) await model.then((m) => m.session.release()).catch(() => undefined);
  }

  private async routedVersion(name: string): Promise<number> {
    const version = await this.call(() => firstValueFrom(this.registry.getModelVersionByAlias({ modelName: name, alias: 'production' })), `model "${name}" (no version given, and no production alias)`);
    return version.version;
  }

  private async load(name: string, number: number): Promise<LoadedModel> {
    const version = await this.call(() => firstValueFrom(this.registry.getModelVersion({ modelName: name, version: number })), `model "${name}" version ${number}`);
    if (version.status !== registry.VersionStatus.VERSION_STATUS_READY) throw failedPrecondition(`model "${name}" version ${number} is not ready (${version.statusMessage || 'status ' + version.status})`);
    const chunks = await this.call(() => firstValueFrom(this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(toArray())), `artifact of "${name}" version ${number}`);
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    if (createHash('sha256').update(bytes).digest('hex') !== version.artifactSha256) throw dataLoss(`artifact of "${name}" version ${number} does not match its sha256`);
    const session = await ort.InferenceSession.create(bytes);
    const model: LoadedModel = {
      name,
      version: number,
      session,
      inputs: (version.signature?.inputs ?? []).map(toSpec),
      outputs: (version.signature?.outputs ?? []).map(toSpec),
      featureNames: version.signature?.featureNames ?? [],
    };
    await warmUp(model);
    this.logger.info('model loaded', { model: name, version: number, inputs: model.inputs.map((i) => i.name) });
    return model;
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const { code, details } = error as { code?: number; details?: string };
      if (code === GrpcStatus.NOT_FOUND) throw notFound(details ?? `${what} was not found`);
      throw unavailable(`registry did not answer for ${what}: ${details ?? (error as Error).message}`);
    }
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

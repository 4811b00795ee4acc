import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { firstValueFrom, toArray } from 'rxjs';
import { registry } from '@mlops/contracts';
import { dataLoss, failedPrecondition, notFound } from '@mlops/errors';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { AdaptiveBatcher, type BatchPolicy } from '../inference/domain/batcher';
import { ServingMetrics } from '../serving.metrics';
import { type LoadedModel, batchPolicy, loadedModel } from './loaded-model';

/**
 * Model versions from the registry, loaded once per process: the artifact is downloaded, its
 * sha256 checked against the version's, loaded into onnxruntime and run once on zeros before it
 * takes traffic. The `production` alias of each model is cached (refreshed when the registry
 * announces an alias change, and at most every SERVING_PRODUCTION_ALIAS_TTL_MS otherwise).
 */
@Injectable()
export class ModelStore implements OnModuleDestroy {
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private readonly ready = new Map<string, LoadedModel>();
  private readonly production = new Map<string, { version: Promise<number>; at: number; resolved?: number }>();
  private readonly defaults: BatchPolicy;

  constructor(
    private readonly upstream: UpstreamClients,
    private readonly logger: JsonLogger,
    private readonly metrics: ServingMetrics,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {
    this.defaults = config.batching;
  }

  private get registry(): registry.RegistryServiceClient {
    return this.upstream.client('registry', 'mlops.registry.v1', 'mlops/registry/v1/registry.proto', 'RegistryService');
  }

  /** A loaded version, loading it first when needed. */
  get(name: string, version: number): Promise<LoadedModel> {
    if (!Number.isInteger(version) || version <= 0) return Promise.reject(notFound(`model "${name}" has no version "${version}"`));
    const key = `${name}:${version}`;
    const ready = this.ready.get(key);
    if (ready) return Promise.resolve(ready);
    let model = this.loading.get(key);
    if (!model) {
      model = this.load(name, version).then((m) => (this.ready.set(key, m), m));
      this.loading.set(key, model);
      model.catch(() => this.loading.delete(key));
    }
    return model;
  }

  /** The version when it is loaded and warmed up, else undefined (without starting a load). */
  loaded(name: string, version: number): LoadedModel | undefined {
    return this.ready.get(`${name}:${version}`);
  }

  /** A version given as the protocol's string ("" = the production version). */
  async resolve(name: string, version: string): Promise<LoadedModel> {
    if (!version) return this.get(name, await this.productionVersion(name));
    const number = Number(version);
    if (!Number.isInteger(number) || number <= 0) throw notFound(`model "${name}" has no version "${version}"`);
    return this.get(name, number);
  }

  /** The version the `production` alias points at (NOT_FOUND when the model has none). */
  productionVersion(name: string): Promise<number> {
    const cached = this.production.get(name);
    if (cached && Date.now() - cached.at < this.config.productionAliasTtlMs) return cached.version;
    const version = callUpstream('registry', `model "${name}" (no version given, and no production alias)`, () =>
      firstValueFrom(this.registry.getModelVersionByAlias({ modelName: name, alias: 'production' })),
    ).then((v) => {
      entry.resolved = v.version;
      return v.version;
    });
    const entry: { version: Promise<number>; at: number; resolved?: number } = { version, at: Date.now() };
    this.production.set(name, entry);
    version.catch(() => this.production.delete(name));
    return version;
  }

  /** The production version when it is known already (no registry call). */
  knownProductionVersion(name: string): number | undefined {
    return this.production.get(name)?.resolved;
  }

  /** The production version if it is cached and fresh: the request path's way around a promise. */
  freshProductionVersion(name: string): number | undefined {
    const cached = this.production.get(name);
    return cached && Date.now() - cached.at < this.config.productionAliasTtlMs ? cached.resolved : undefined;
  }

  /** Forgets the cached production version (the registry announced that the alias moved). */
  forgetProduction(name: string): void {
    this.production.delete(name);
  }

  async isReady(name: string, version: string): Promise<boolean> {
    return this.resolve(name, version).then(
      () => true,
      () => false,
    );
  }

  async versions(name: string): Promise<string[]> {
    const list = await callUpstream('registry', `model "${name}"`, () => firstValueFrom(this.registry.listModelVersions({ modelName: name })));
    return (list.versions ?? []).filter((v) => v.status === registry.VersionStatus.VERSION_STATUS_READY).map((v) => String(v.version));
  }

  async onModuleDestroy(): Promise<void> {
    for (const model of this.loading.values()) await model.then((m) => m.session.release()).catch(() => undefined);
  }

  private async load(name: string, number: number): Promise<LoadedModel> {
    const version = await callUpstream('registry', `model "${name}" version ${number}`, () => firstValueFrom(this.registry.getModelVersion({ modelName: name, version: number })));
    if (version.status !== registry.VersionStatus.VERSION_STATUS_READY) throw failedPrecondition(`model "${name}" version ${number} is not ready (${version.statusMessage || 'status ' + version.status})`);
    const chunks = await callUpstream('registry', `artifact of "${name}" version ${number}`, () => firstValueFrom(this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(toArray())));
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    if (createHash('sha256').update(bytes).digest('hex') !== version.artifactSha256) throw dataLoss(`artifact of "${name}" version ${number} does not match its sha256`);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: this.config.ortIntraOpThreads, interOpNumThreads: 1 });
    const policy = batchPolicy(version.tags ?? {}, this.defaults);
    const batches = this.metrics.batchRequests.labels(name, String(number));
    const model = loadedModel(name, number, session, version.signature, policy, (run, p) => new AdaptiveBatcher(run, p, (_rows, requests) => batches.observe(requests)));
    await model.warmUp();
    this.logger.info('model loaded', { model: name, version: number, task: model.task, inputs: model.inputs.map((i) => i.name), batching: model.batcher ? policy : 'off' });
    return model;
  }
}

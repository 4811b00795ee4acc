import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { firstValueFrom, tap, toArray } from 'rxjs';
import { registry } from '@mlops/contracts';
import { dataLoss, failedPrecondition, notFound } from '@mlops/errors';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { AdaptiveBatcher, type BatchPolicy } from '../inference/domain/batcher';
import { ServingMetrics } from '../serving.metrics';
import { loadGuardAvailable, probeLoad } from './load-guard';
import { type LoadedModel, batchPolicy, inputSpecs, loadedModel } from './loaded-model';

/**
 * Model versions from the registry, loaded once per process: the artifact is downloaded, its
 * sha256 checked against the version's, loaded into onnxruntime and run once on zeros before it
 * takes traffic. The `production` alias of each model is cached (refreshed when the registry
 * announces an alias change, and at most every SERVING_PRODUCTION_ALIAS_TTL_MS otherwise).
 * A version that failed to load is not tried again for a while (5 s, doubling to 5 minutes); a
 * version nobody asked for in SERVING_MODEL_IDLE_SECONDS is released, unless the keep policy
 * (the routing table: versions of active deployments) says otherwise. At most
 * MAX_REMEMBERED_FAILURES failed versions are remembered (the oldest failure is forgotten first):
 * requests for names nobody registered, from any token, cannot grow the map.
 */
/** Failed loads remembered for their back-off; beyond this, the oldest is forgotten. */
export const MAX_REMEMBERED_FAILURES = 1024;

@Injectable()
export class ModelStore implements OnModuleInit, OnModuleDestroy {
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private readonly ready = new Map<string, LoadedModel>();
  private readonly failures = new Map<string, { error: unknown; at: number; count: number }>();
  private readonly lastUsed = new Map<string, number>();
  private keep: (name: string, version: number) => boolean = () => false;
  private sweeper?: NodeJS.Timeout;
  /** A coarse clock for the request path (Date.now() per request is measurable). */
  private now = Date.now();
  private readonly production = new Map<string, { version: Promise<number>; at: number; resolved?: number }>();
  /** The last production version resolved per model, kept when the cache is forgotten (it names failed requests' series). */
  private readonly lastProduction = new Map<string, number>();
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

  onModuleInit(): void {
    let ticks = 0;
    this.sweeper = setInterval(() => {
      this.now = Date.now();
      if (++ticks % 60 === 0) this.releaseIdle();
    }, 1000);
    this.sweeper.unref();
  }

  /** Which loaded versions must stay loaded however idle they are. */
  keepLoaded(policy: (name: string, version: number) => boolean): void {
    this.keep = policy;
  }

  /** A loaded version, loading it first when needed. */
  get(name: string, version: number): Promise<LoadedModel> {
    if (!Number.isInteger(version) || version <= 0) return Promise.reject(notFound(`model "${name}" has no version "${version}"`));
    const key = `${name}:${version}`;
    const ready = this.ready.get(key);
    if (ready) {
      this.lastUsed.set(key, this.now);
      return Promise.resolve(ready);
    }
    const failed = this.failures.get(key);
    if (failed && this.now - failed.at < Math.min(300_000, 5000 * 2 ** (failed.count - 1))) return Promise.reject(failed.error);
    let model = this.loading.get(key);
    if (!model) {
      model = this.load(name, version).then(
        (m) => {
          this.ready.set(key, m);
          this.lastUsed.set(key, this.now);
          this.failures.delete(key);
          return m;
        },
        (error: unknown) => {
          this.loading.delete(key);
          this.rememberFailure(key, error);
          throw error;
        },
      );
      this.loading.set(key, model);
    }
    return model;
  }

  /** The version when it is loaded and warmed up, else undefined (without starting a load). */
  loaded(name: string, version: number): LoadedModel | undefined {
    const key = `${name}:${version}`;
    const model = this.ready.get(key);
    if (model) this.lastUsed.set(key, this.now);
    return model;
  }

  /** How many failed versions are remembered now (bounded by MAX_REMEMBERED_FAILURES). */
  get rememberedFailures(): number {
    return this.failures.size;
  }

  private rememberFailure(key: string, error: unknown): void {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    // Re-inserted, so the map's order stays oldest failure first.
    this.failures.delete(key);
    while (this.failures.size >= MAX_REMEMBERED_FAILURES) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, { error, at: Date.now(), count });
  }

  /** Why the version could not be loaded, if its last attempt failed. */
  loadFailure(name: string, version: number): string | undefined {
    const failed = this.failures.get(`${name}:${version}`);
    return failed && (failed.error as Error).message;
  }

  private releaseIdle(): void {
    const idleMs = this.config.modelIdleSeconds * 1000;
    for (const [key, model] of this.ready) {
      if (this.now - (this.lastUsed.get(key) ?? 0) < idleMs || this.keep(model.name, model.version)) continue;
      if (this.production.get(model.name)?.resolved === model.version) continue;
      this.ready.delete(key);
      this.loading.delete(key);
      this.lastUsed.delete(key);
      this.logger.info('idle model released', { model: model.name, version: model.version });
      // Runs already handed the session finish first.
      setTimeout(() => void model.session.release().catch(() => undefined), 30_000).unref();
    }
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
      this.lastProduction.set(name, v.version);
      return v.version;
    });
    const entry: { version: Promise<number>; at: number; resolved?: number } = { version, at: Date.now() };
    this.production.set(name, entry);
    version.catch(() => this.production.delete(name));
    return version;
  }

  /** The production version when it is known already (no registry call): the cached one, else the last one resolved. */
  knownProductionVersion(name: string): number | undefined {
    return this.production.get(name)?.resolved ?? this.lastProduction.get(name);
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

  /** The model's ready versions among its first 1,000 (one registry page: what ModelMetadata lists). */
  async versions(name: string): Promise<string[]> {
    const list = await callUpstream('registry', `model "${name}"`, () => firstValueFrom(this.registry.listModelVersions({ modelName: name, limit: 1000, pageToken: '' })));
    return (list.versions ?? []).filter((v) => v.status === registry.VersionStatus.VERSION_STATUS_READY).map((v) => String(v.version));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    for (const model of this.loading.values()) await model.then((m) => m.session.release()).catch(() => undefined);
  }

  private async load(name: string, number: number): Promise<LoadedModel> {
    const version = await callUpstream('registry', `model "${name}" version ${number}`, () => firstValueFrom(this.registry.getModelVersion({ modelName: name, version: number })));
    if (version.status !== registry.VersionStatus.VERSION_STATUS_READY) throw failedPrecondition(`model "${name}" version ${number} is not ready (${version.statusMessage || 'status ' + version.status})`);
    const { maxModelBytes, modelLoadTimeoutMs } = this.config;
    const tooLarge = (size: number) => failedPrecondition(`model "${name}" version ${number} is ${size} bytes, more than SERVING_MAX_MODEL_BYTES (${maxModelBytes})`);
    if (Number(version.artifactSize) > maxModelBytes) throw tooLarge(Number(version.artifactSize));
    // Counted while it arrives too: a stream longer than announced stops at the limit.
    let received = 0;
    const chunks = await callUpstream('registry', `artifact of "${name}" version ${number}`, () =>
      firstValueFrom(
        this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(
          tap((c) => {
            received += c.data.length;
            if (received > maxModelBytes) throw tooLarge(received);
          }),
          toArray(),
        ),
      ),
    ).catch((error: unknown) => {
      throw received > maxModelBytes ? tooLarge(received) : error;
    });
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    if (createHash('sha256').update(bytes).digest('hex') !== version.artifactSha256) throw dataLoss(`artifact of "${name}" version ${number} does not match its sha256`);
    // The memory guard: loaded first in a child process that is killed past the memory or time limit.
    if (this.config.modelLoadMaxRssBytes > 0 && loadGuardAvailable()) {
      const probe = await probeLoad(bytes, inputSpecs(version.signature), { maxRssBytes: this.config.modelLoadMaxRssBytes, timeoutMs: modelLoadTimeoutMs, intraOpThreads: this.config.ortIntraOpThreads });
      if (!probe.ok) throw failedPrecondition(`model "${name}" version ${number} ${probe.reason}`);
      this.logger.info('model load probed', { model: name, version: number, peakRssBytes: probe.peakRssBytes, ms: probe.ms });
    }
    const policy = batchPolicy(version.tags ?? {}, this.defaults);
    const batches = this.metrics.batchRequests.labels(name, String(number));
    // The session and its warm-up run within a time limit: a model that makes the runtime spin
    // fails its load (and so its deployment) instead of holding the replica. onnxruntime cannot
    // cancel a running native call; a session that completes after the limit is released.
    const loading = (async () => {
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: this.config.ortIntraOpThreads, interOpNumThreads: 1 });
      const loaded = loadedModel(name, number, session, version.signature, policy, (run, p) => new AdaptiveBatcher(run, p, (_rows, requests) => batches.observe(requests)));
      try {
        await loaded.warmUp();
      } catch (error) {
        await session.release().catch(() => undefined);
        throw error;
      }
      return loaded;
    })();
    const model = await withTimeout(loading, modelLoadTimeoutMs, () => failedPrecondition(`loading model "${name}" version ${number} took longer than SERVING_MODEL_LOAD_TIMEOUT_MS (${modelLoadTimeoutMs} ms)`), (late) => void late.session.release().catch(() => undefined));
    this.logger.info('model loaded', { model: name, version: number, task: model.task, inputs: model.inputs.map((i) => i.name), batching: model.batcher ? policy : 'off' });
    return model;
  }
}

/** The promise's value, or the error of `onTimeout` after `ms`; a value that arrives late goes to `late`. */
function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, late: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
  });
  promise.then((value) => timedOut && late(value), () => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

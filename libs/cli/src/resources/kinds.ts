import { status as GrpcStatus } from '@grpc/grpc-js';
import { type PlatformClients, RemoteCallError } from '@mlops/client';
import { training } from '@mlops/contracts';
import type { Kind } from './documents';
import type { Spec, SpecShape } from './diff';

/**
 * What each kind of resource is on the platform: how its current state is read (in the file's
 * shape), how the file's spec is completed, checked and written, and which of them exist.
 */
export interface KindAdapter {
  kind: Kind;
  shape: SpecShape;
  /** The file's spec with the defaults of its list elements filled in, as `read` returns them. */
  normalize(spec: Spec): Spec;
  /** The current state; undefined when the resource does not exist. */
  read(clients: PlatformClients, name: string): Promise<Spec | undefined>;
  /** Names of the resources of this kind that exist (export). */
  names(clients: PlatformClients): Promise<string[]>;
  /** Checks only the owning service can make, storing nothing; throws its refusal. */
  check?(clients: PlatformClients, name: string, next: Spec): Promise<void>;
  write(clients: PlatformClients, name: string, next: Spec, current: Spec | undefined): Promise<void>;
}

type Wire = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** undefined when the service says the resource does not exist. */
async function orAbsent<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof RemoteCallError && error.code === GrpcStatus.NOT_FOUND) return undefined;
    throw error;
  }
}

/** Fields whose value is null or undefined left out (proto3 optional fields arrive as either). */
const defined = (o: Record<string, unknown>): Spec => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
/** COLUMN_TYPE_FLOAT → float; RETRAIN_POLICY_ALERT_ONLY → alert-only with dashes. */
const label = (value: string, prefix: string, dash = '_') => value.slice(prefix.length).toLowerCase().replace(/_/g, dash);
const enumName = (value: unknown, prefix: string) => `${prefix}${String(value).toUpperCase().replace(/-/g, '_')}`;

// ---- Dataset (ingestion) ----

const normalizeColumn = (c: Wire): Spec =>
  defined({ name: c.name, type: c.type, nullable: c.nullable ?? false, min: c.min, max: c.max, categories: c.categories ?? [], description: c.description ?? '' });

function datasetRequest(name: string, s: Spec): Wire {
  const columns = (s.columns as Wire[]).map((c) => ({
    name: c.name, type: enumName(c.type, 'COLUMN_TYPE_'), nullable: c.nullable, categories: c.categories, description: c.description,
    min: c.min ?? 0, hasMin: c.min !== undefined, max: c.max ?? 0, hasMax: c.max !== undefined,
  }));
  return {
    dataset: name, columns, entityColumn: s.entityColumn, eventTimeColumn: s.eventTimeColumn, labelColumn: s.labelColumn ?? '',
    description: s.description ?? '', versionEveryRecords: s.versionEveryRecords ?? 0, versionEverySeconds: s.versionEverySeconds ?? 0,
  };
}

const dataset: KindAdapter = {
  kind: 'Dataset',
  // Column order is not part of a dataset's schema (ingestion compares columns by name).
  shape: { named: { columns: { ordered: false } } },
  normalize: (s) => ({ ...s, columns: (s.columns as Wire[]).map(normalizeColumn) }),
  async read(clients, name) {
    const d = await orAbsent(clients.ingestion.call<Wire>('GetDataset', { dataset: name }));
    if (!d) return undefined;
    const columns = (d.columns as Wire[]).map((c) => normalizeColumn({ ...c, type: label(c.type, 'COLUMN_TYPE_'), min: c.hasMin ? c.min : undefined, max: c.hasMax ? c.max : undefined }));
    return { description: d.description, entityColumn: d.entityColumn, eventTimeColumn: d.eventTimeColumn, labelColumn: d.labelColumn, versionEveryRecords: d.versionEveryRecords, versionEverySeconds: d.versionEverySeconds, columns };
  },
  async names(clients) {
    return clients.ingestion.callAllPages('ListDatasets', {}, (r: { datasets: Wire[]; nextPageToken: string }) => r.datasets.map((d) => d.dataset as string));
  },
  async check(clients, name, next) {
    await clients.ingestion.call('RegisterDataset', { ...datasetRequest(name, next), validateOnly: true });
  },
  async write(clients, name, next) {
    await clients.ingestion.call('RegisterDataset', datasetRequest(name, next));
  },
};

// ---- FeatureView (feature store) ----

function featureFromWire(f: Wire): Spec {
  if (f.column) return { name: f.name, column: f.column.column };
  if (f.expression) return { name: f.name, expression: f.expression.expr };
  if (f.bucketize) return { name: f.name, bucketize: { column: f.bucketize.column, boundaries: f.bucketize.boundaries } };
  if (f.oneHot) return { name: f.name, oneHot: { column: f.oneHot.column, categories: f.oneHot.categories } };
  return { name: f.name, window: { column: f.window?.column ?? '', function: label(f.window?.function ?? '', 'AGGREGATE_FUNCTION_'), windowSeconds: f.window?.windowSeconds } };
}

function featureToWire(f: Wire): Wire {
  if (f.column !== undefined) return { name: f.name, column: { column: f.column } };
  if (f.expression !== undefined) return { name: f.name, expression: { expr: f.expression } };
  if (f.bucketize) return { name: f.name, bucketize: f.bucketize };
  if (f.oneHot) return { name: f.name, oneHot: f.oneHot };
  return { name: f.name, window: { column: f.window.column, function: enumName(f.window.function, 'AGGREGATE_FUNCTION_'), windowSeconds: f.window.windowSeconds } };
}

const featureView: KindAdapter = {
  kind: 'FeatureView',
  shape: { named: { features: { ordered: true } } },
  normalize: (s) => ({ ...s, features: (s.features as Wire[]).map((f) => (f.window ? { ...f, window: { column: '', ...f.window } } : f)) }),
  async read(clients, name) {
    const v = await orAbsent(clients.featureStore.call<Wire>('GetFeatureView', { name, version: 0 }));
    return v && { dataset: v.sourceDataset, ttlSeconds: v.ttlSeconds, description: v.description, features: (v.features as Wire[]).map(featureFromWire) };
  },
  async names(clients) {
    return clients.featureStore.callAllPages('ListFeatureViews', {}, (r: { views: Wire[]; nextPageToken: string }) => r.views.map((v) => v.name as string));
  },
  async write(clients, name, next) {
    await clients.featureStore.call('RegisterFeatureView', { name, sourceDataset: next.dataset, ttlSeconds: next.ttlSeconds ?? 0, description: next.description ?? '', features: (next.features as Wire[]).map(featureToWire) });
  },
};

// ---- RegisteredModel (registry) ----

const registeredModel: KindAdapter = {
  kind: 'RegisteredModel',
  shape: { maps: ['tags'] },
  normalize: (s) => s,
  async read(clients, name) {
    const m = await orAbsent(clients.registry.call<Wire>('GetRegisteredModel', { name }));
    return m && { description: m.description, tags: m.tags, promotionPolicy: m.promotionPolicy === 'PROMOTION_POLICY_REQUIRES_APPROVAL' ? 'requires-approval' : 'automatic' };
  },
  async names(clients) {
    return clients.registry.callAllPages('ListRegisteredModels', {}, (r: { models: Wire[]; nextPageToken: string }) => r.models.map((m) => m.name as string));
  },
  async write(clients, name, next, current) {
    const policy = next.promotionPolicy ? enumName(next.promotionPolicy, 'PROMOTION_POLICY_') : 'PROMOTION_POLICY_UNSPECIFIED';
    const tags = (next.tags ?? {}) as Record<string, string>;
    if (!current) return void (await clients.registry.call('CreateRegisteredModel', { name, description: next.description ?? '', tags, promotionPolicy: policy }));
    // Update merges tags (an empty value removes one) and needs the approver role only when the policy changes.
    const removed = Object.keys((current.tags ?? {}) as object).filter((k) => !(k in tags));
    await clients.registry.call('UpdateRegisteredModel', {
      name, description: next.description ?? '', tags: { ...tags, ...Object.fromEntries(removed.map((k) => [k, ''])) },
      promotionPolicy: next.promotionPolicy === current.promotionPolicy ? 'PROMOTION_POLICY_UNSPECIFIED' : policy,
    });
  },
};

// ---- TrainingSpec (training) ----

/** The job template as proto JSON without its defaults (so `seed: 0` and no seed compare equal), algorithm in lower case. */
function compactJob(job: Wire): Spec {
  const withEnum = job.algorithm && !String(job.algorithm).startsWith('ALGORITHM_') ? { ...job, algorithm: enumName(job.algorithm, 'ALGORITHM_') } : job;
  const json = training.SubmitTrainingJobRequest.toJSON(training.SubmitTrainingJobRequest.fromJSON(withEnum)) as Wire;
  return json.algorithm ? { ...json, algorithm: label(json.algorithm, 'ALGORITHM_') } : json;
}

const trainingSpec: KindAdapter = {
  kind: 'TrainingSpec',
  // The job is a template stored whole: what the file says is all of it.
  shape: { maps: ['job'] },
  normalize: (s) => ({ ...s, job: compactJob(s.job as Wire) }),
  async read(clients, name) {
    const t = await orAbsent(clients.training.call<Wire>('GetTrainingSpec', { name }));
    return t && { description: t.description, schedule: t.schedule, job: compactJob(t.job ?? {}) };
  },
  async names(clients) {
    return clients.training.callAllPages('ListTrainingSpecs', {}, (r: { specs: Wire[]; nextPageToken: string }) => r.specs.map((s) => s.name as string));
  },
  async write(clients, name, next) {
    const job = next.job as Wire;
    await clients.training.call('PutTrainingSpec', { name, description: next.description ?? '', schedule: next.schedule ?? '', job: { ...job, algorithm: enumName(job.algorithm, 'ALGORITHM_') } });
  },
};

// ---- DeploymentPolicy (serving) and MonitoringPolicy (monitoring): one per registered model ----

const modelNames = (clients: PlatformClients) => registeredModel.names(clients);

const deploymentPolicy: KindAdapter = {
  kind: 'DeploymentPolicy',
  shape: {},
  normalize: (s) => s,
  async read(clients, name) {
    const p = await clients.deployments.call<Wire>('GetDeploymentPolicy', { modelName: name });
    if (!Number(p.updatedAtMs)) return undefined; // never set: the service's defaults
    return defined({
      strategy: label(p.strategy, 'STRATEGY_'), shadowFirst: p.shadowFirst, manual: p.manual, canarySteps: p.canarySteps, intervalSeconds: p.intervalSeconds,
      shadowIntervals: p.shadowIntervals, mirrorPercent: p.mirrorPercent, failureLimit: p.failureLimit, stableFallback: !p.noStableFallback, thresholds: defined(p.thresholds ?? {}),
    });
  },
  names: modelNames,
  async write(clients, name, next) {
    const { strategy, stableFallback, ...rest } = next as Wire;
    await clients.deployments.call('SetDeploymentPolicy', { modelName: name, ...rest, ...(strategy ? { strategy: enumName(strategy, 'STRATEGY_') } : {}), noStableFallback: stableFallback === false });
  },
};

/** The numeric fields of a monitoring policy that a resource names (the schema's, in proto order). */
const MONITORING_NUMBERS = ['windowSize', 'windowSeconds', 'evaluateEvery', 'driftShare', 'consecutive', 'clearAfter', 'cooldownSeconds', 'retrainWindowSeconds', 'labelWindow', 'maxDegradation', 'labelJoinSeconds'];

const monitoringPolicy: KindAdapter = {
  kind: 'MonitoringPolicy',
  shape: {},
  normalize: (s) => s,
  async read(clients, name) {
    const p = await clients.monitoring.call<Wire>('GetMonitoringPolicy', { modelName: name });
    if (!Number(p.updatedAtMs)) return undefined;
    const fields = Object.fromEntries(MONITORING_NUMBERS.map((f) => [f, p[f]]));
    return defined({ ...fields, retrain: p.retrain ? label(p.retrain, 'RETRAIN_POLICY_', '-') : undefined, performanceMetric: p.performanceMetric || undefined });
  },
  names: modelNames,
  async write(clients, name, next) {
    const { retrain, ...rest } = next as Wire;
    await clients.monitoring.call('SetMonitoringPolicy', { modelName: name, ...rest, ...(retrain ? { retrain: enumName(retrain, 'RETRAIN_POLICY_') } : {}) });
  },
};

/** In the order apply writes them: what a resource refers to comes before it. */
export const ADAPTERS: Record<Kind, KindAdapter> = {
  Dataset: dataset,
  FeatureView: featureView,
  RegisteredModel: registeredModel,
  TrainingSpec: trainingSpec,
  DeploymentPolicy: deploymentPolicy,
  MonitoringPolicy: monitoringPolicy,
};

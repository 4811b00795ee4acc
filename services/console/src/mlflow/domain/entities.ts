/**
 * The platform's tracking and registry objects in MLflow's JSON shapes (mlflow/protos/service.proto
 * and model_registry.proto, as the MLflow server writes them with preserving_proto_field_name):
 * snake_case fields, int64 timestamps as numbers, tags as [{key, value}] lists, enums by name.
 * The platform's own records stay the one store: nothing here is kept.
 */

/** A training experiment as the training service returns it. */
export interface PlatformExperiment {
  experimentId: string;
  name: string;
  tags: Record<string, string>;
  lifecycleStage: string;
  createdAtMs: number;
  lastUpdateTimeMs: number;
}

export interface PlatformMetric {
  key: string;
  value: number;
  step: number;
  timestampMs: number;
}

export interface PlatformRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: string;
  startTimeMs: number;
  endTimeMs: number;
  lifecycleStage: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  latestMetrics?: PlatformMetric[];
}

export interface PlatformVersion {
  modelName: string;
  version: number;
  status: string;
  statusMessage: string;
  artifactSha256: string;
  lineage?: { runId: string; source: string };
  description: string;
  tags: Record<string, string>;
  aliases: string[];
  createdAtMs: number;
  lastUpdatedAtMs?: number;
}

export interface PlatformModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, number>;
  latestVersion: number;
  createdAtMs: number;
  lastUpdatedAtMs?: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** Where the MLflow layer keeps a version's `source` URI: a tag MLflow clients never see as one. */
export const SOURCE_TAG = 'mlflow.source';
/** The user who created a version or model through the MLflow API. */
export const USER_TAG = 'mlflow.user';

const keyValues = (map: Record<string, string>, hidden: string[] = []): KeyValue[] =>
  Object.entries(map)
    .filter(([key]) => !hidden.includes(key))
    .map(([key, value]) => ({ key, value }));

/** Proxied artifacts live under mlflow-artifacts:/<experiment id>/<run id>/artifacts, as `mlflow server` lays them out. */
export const experimentArtifactLocation = (experimentId: string) => `mlflow-artifacts:/${experimentId}`;
export const runArtifactUri = (experimentId: string, runId: string) => `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;

export function mlflowExperiment(e: PlatformExperiment) {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: experimentArtifactLocation(e.experimentId),
    lifecycle_stage: e.lifecycleStage || 'active',
    last_update_time: e.lastUpdateTimeMs || e.createdAtMs,
    creation_time: e.createdAtMs,
    tags: keyValues(e.tags),
  };
}

const RUN_STATUS: Record<string, string> = { RUN_STATUS_RUNNING: 'RUNNING', RUN_STATUS_FINISHED: 'FINISHED', RUN_STATUS_FAILED: 'FAILED', RUN_STATUS_KILLED: 'KILLED' };
const PLATFORM_RUN_STATUS: Record<string, string> = { RUNNING: 'RUN_STATUS_RUNNING', SCHEDULED: 'RUN_STATUS_RUNNING', FINISHED: 'RUN_STATUS_FINISHED', FAILED: 'RUN_STATUS_FAILED', KILLED: 'RUN_STATUS_KILLED' };

/** The platform's run status for an MLflow one; undefined for a name MLflow does not have. */
export function platformRunStatus(status: string): string | undefined {
  return PLATFORM_RUN_STATUS[status];
}

export function mlflowRunInfo(r: PlatformRun) {
  return {
    run_id: r.runId,
    run_uuid: r.runId,
    run_name: r.runName,
    experiment_id: r.experimentId,
    user_id: r.userId,
    status: RUN_STATUS[r.status] ?? 'RUNNING',
    start_time: r.startTimeMs,
    ...(r.endTimeMs ? { end_time: r.endTimeMs } : {}),
    artifact_uri: runArtifactUri(r.experimentId, r.runId),
    lifecycle_stage: r.lifecycleStage || 'active',
  };
}

export function mlflowRun(r: PlatformRun) {
  const metrics = r.latestMetrics?.length
    ? r.latestMetrics.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestampMs, step: m.step }))
    : Object.entries(r.metrics).map(([key, value]) => ({ key, value, timestamp: r.startTimeMs, step: 0 }));
  // MLflow's server keeps the run name and user as tags too; clients read either.
  const tags = { ...r.tags, ...(r.runName ? { 'mlflow.runName': r.runName } : {}), ...(r.userId && !r.tags['mlflow.user'] ? { 'mlflow.user': r.userId } : {}) };
  return {
    info: mlflowRunInfo(r),
    data: { metrics, params: keyValues(r.params), tags: keyValues(tags) },
    inputs: {},
  };
}

export function mlflowMetric(m: PlatformMetric) {
  return { key: m.key, value: m.value, timestamp: m.timestampMs, step: m.step };
}

const VERSION_STATUS: Record<string, string> = { VERSION_STATUS_PENDING: 'PENDING_REGISTRATION', VERSION_STATUS_READY: 'READY', VERSION_STATUS_FAILED: 'FAILED_REGISTRATION' };

/** A version's source: the URI it was registered from through this API, else where its artifact lies. */
export function versionSource(v: PlatformVersion): string {
  if (v.tags[SOURCE_TAG]) return v.tags[SOURCE_TAG];
  return `mlflow-artifacts:/sha256/${v.artifactSha256}`;
}

export function mlflowModelVersion(v: PlatformVersion) {
  return {
    name: v.modelName,
    version: String(v.version),
    creation_timestamp: v.createdAtMs,
    last_updated_timestamp: v.lastUpdatedAtMs || v.createdAtMs,
    user_id: v.tags[USER_TAG] ?? '',
    current_stage: 'None',
    description: v.description,
    source: versionSource(v),
    run_id: v.lineage?.runId ?? '',
    status: VERSION_STATUS[v.status] ?? 'PENDING_REGISTRATION',
    status_message: v.statusMessage,
    tags: keyValues(v.tags, [SOURCE_TAG, USER_TAG]),
    aliases: v.aliases,
  };
}

/** A registered model; `latest` is its newest version when known (MLflow lists one per stage; the platform has no stages). */
export function mlflowRegisteredModel(m: PlatformModel, latest?: PlatformVersion) {
  return {
    name: m.name,
    creation_timestamp: m.createdAtMs,
    last_updated_timestamp: m.lastUpdatedAtMs || m.createdAtMs,
    user_id: m.tags[USER_TAG] ?? '',
    description: m.description,
    latest_versions: latest ? [mlflowModelVersion(latest)] : [],
    tags: keyValues(m.tags, [USER_TAG]),
    aliases: Object.entries(m.aliases)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

const VIEW_TYPE: Record<string, string> = { ACTIVE_ONLY: 'VIEW_TYPE_ACTIVE_ONLY', DELETED_ONLY: 'VIEW_TYPE_DELETED_ONLY', ALL: 'VIEW_TYPE_ALL' };

/** MLflow's ViewType (by name, or by its proto number 1, 2, 3) as the platform's. */
export function platformViewType(value: string): string | undefined {
  if (!value) return 'VIEW_TYPE_ACTIVE_ONLY';
  const byNumber: Record<string, string> = { '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };
  return VIEW_TYPE[byNumber[value] ?? value.toUpperCase()];
}

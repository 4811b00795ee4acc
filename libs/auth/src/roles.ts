/**
 * Roles and the role each RPC and HTTP route needs: the platform's whole access policy in one
 * table (docs/security.md prints it). Every role can read descriptions (viewer); reading the
 * data and model bytes themselves is its own permission (reader); admin can do everything; the
 * others add one kind of change each:
 *
 *   viewer    read descriptions and figures (datasets, features, runs, models, deployments,
 *             reports, metrics), predict: what dashboards need
 *   reader    also read data and model bytes: dataset records, snapshot rows, rejected
 *             payloads, artifacts (engineers and approvers have it too)
 *   producer  ingest records
 *   engineer  register datasets, feature views, models and versions; train; start, pause and
 *             roll back deployments; set monitoring policies
 *   approver  move aliases (production), approve versions, promote canaries, set deployment
 *             policies, read audit logs
 *   admin     all of the above
 *
 * An RPC missing from the table is refused to everybody but admin (default deny; a unit test
 * checks that every RPC in proto/ is listed).
 */
export const ROLES = ['viewer', 'reader', 'producer', 'engineer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Access {
  /** The role needed (admin always passes; viewer is any valid token). */
  role: Role;
  /** Changes state: recorded in the audit log with its outcome. */
  mutates: boolean;
}

/** Needs no credentials: liveness and readiness only (probes cannot carry tokens). */
export const PUBLIC = 'public' as const;

const read: Access = { role: 'viewer', mutates: false };
/** Data and model bytes: not for viewer tokens (dashboards), see DATA_READERS. */
const data: Access = { role: 'reader', mutates: false };
/** The roles that read data and model bytes: engineers train on them, approvers review models. */
const DATA_READERS: readonly Role[] = ['reader', 'engineer', 'approver'];
/** A change the console forwards with the caller's token: any valid token passes here, the owning service's rule decides. */
const forwarded: Access = { role: 'viewer', mutates: true };
const change = (role: Role): Access => ({ role, mutates: true });

/** By full gRPC method path, `/package.Service/Method`. */
export const RPC_ACCESS: Record<string, Access | typeof PUBLIC> = {
  '/grpc.health.v1.Health/Check': PUBLIC,
  '/mlops.platform.v1.PlatformService/GetStatus': read,
  '/mlops.platform.v1.PlatformService/ListAuditRecords': { role: 'approver', mutates: false },

  '/inference.GRPCInferenceService/ServerLive': PUBLIC,
  '/inference.GRPCInferenceService/ServerReady': PUBLIC,
  '/inference.GRPCInferenceService/ModelReady': read,
  '/inference.GRPCInferenceService/ServerMetadata': read,
  '/inference.GRPCInferenceService/ModelMetadata': read,
  '/inference.GRPCInferenceService/ModelInfer': read,

  '/mlops.ingestion.v1.IngestionService/RegisterDataset': change('engineer'),
  '/mlops.ingestion.v1.IngestionService/GetDataset': read,
  '/mlops.ingestion.v1.IngestionService/ListDatasets': read,
  '/mlops.ingestion.v1.IngestionService/IngestRecords': change('producer'),
  '/mlops.ingestion.v1.IngestionService/StreamRecords': change('producer'),
  '/mlops.ingestion.v1.IngestionService/ListRejectedRecords': data,
  '/mlops.ingestion.v1.IngestionService/CreateDatasetVersion': change('engineer'),
  '/mlops.ingestion.v1.IngestionService/GetDatasetVersion': read,
  '/mlops.ingestion.v1.IngestionService/ListDatasetVersions': read,
  '/mlops.ingestion.v1.IngestionService/ReadDatasetVersion': data,
  '/mlops.ingestion.v1.IngestionService/ReadDatasetVersionBatches': data,

  '/mlops.features.v1.FeatureStoreService/RegisterFeatureView': change('engineer'),
  '/mlops.features.v1.FeatureStoreService/GetFeatureView': read,
  '/mlops.features.v1.FeatureStoreService/ListFeatureViews': read,
  '/mlops.features.v1.FeatureStoreService/GetOnlineFeatures': read,
  '/mlops.features.v1.FeatureStoreService/GetOnlineFeaturesBatch': read,
  '/mlops.features.v1.FeatureStoreService/CreateSnapshot': change('engineer'),
  '/mlops.features.v1.FeatureStoreService/GetSnapshot': read,
  '/mlops.features.v1.FeatureStoreService/ListSnapshots': read,
  '/mlops.features.v1.FeatureStoreService/ReadSnapshot': data,

  '/mlops.training.v1.TrainingService/SubmitTrainingJob': change('engineer'),
  '/mlops.training.v1.TrainingService/GetTrainingJob': read,
  '/mlops.training.v1.TrainingService/ListTrainingJobs': read,
  '/mlops.training.v1.TrainingService/CreateExperiment': change('engineer'),
  '/mlops.training.v1.TrainingService/GetExperiment': read,
  '/mlops.training.v1.TrainingService/ListExperiments': read,
  '/mlops.training.v1.TrainingService/UpdateExperiment': change('engineer'),
  '/mlops.training.v1.TrainingService/DeleteExperiment': change('engineer'),
  '/mlops.training.v1.TrainingService/RestoreExperiment': change('engineer'),
  '/mlops.training.v1.TrainingService/SetExperimentTag': change('engineer'),
  '/mlops.training.v1.TrainingService/CreateRun': change('engineer'),
  '/mlops.training.v1.TrainingService/LogBatch': change('engineer'),
  '/mlops.training.v1.TrainingService/LogArtifact': change('engineer'),
  '/mlops.training.v1.TrainingService/UpdateRun': change('engineer'),
  '/mlops.training.v1.TrainingService/DeleteRun': change('engineer'),
  '/mlops.training.v1.TrainingService/RestoreRun': change('engineer'),
  '/mlops.training.v1.TrainingService/DeleteTag': change('engineer'),
  '/mlops.training.v1.TrainingService/GetRun': read,
  '/mlops.training.v1.TrainingService/GetMetricHistory': read,
  '/mlops.training.v1.TrainingService/GetMetricHistories': read,
  '/mlops.training.v1.TrainingService/SearchRuns': read,
  '/mlops.training.v1.TrainingService/PutTrainingSpec': change('engineer'),
  '/mlops.training.v1.TrainingService/GetTrainingSpec': read,
  '/mlops.training.v1.TrainingService/ListTrainingSpecs': read,

  '/mlops.registry.v1.RegistryService/CreateRegisteredModel': change('engineer'),
  '/mlops.registry.v1.RegistryService/GetRegisteredModel': read,
  '/mlops.registry.v1.RegistryService/ListRegisteredModels': read,
  '/mlops.registry.v1.RegistryService/UpdateRegisteredModel': change('engineer'),
  '/mlops.registry.v1.RegistryService/RenameRegisteredModel': change('engineer'),
  '/mlops.registry.v1.RegistryService/DeleteRegisteredModel': change('engineer'),
  '/mlops.registry.v1.RegistryService/SetRegisteredModelTag': change('engineer'),
  '/mlops.registry.v1.RegistryService/DeleteRegisteredModelTag': change('engineer'),
  '/mlops.registry.v1.RegistryService/SearchRegisteredModels': read,
  '/mlops.registry.v1.RegistryService/CreateModelVersion': change('engineer'),
  '/mlops.registry.v1.RegistryService/GetModelVersion': read,
  '/mlops.registry.v1.RegistryService/GetModelVersionByAlias': read,
  '/mlops.registry.v1.RegistryService/ListModelVersions': read,
  '/mlops.registry.v1.RegistryService/UpdateModelVersion': change('engineer'),
  '/mlops.registry.v1.RegistryService/SetModelVersionTag': change('engineer'),
  '/mlops.registry.v1.RegistryService/DeleteModelVersionTag': change('engineer'),
  '/mlops.registry.v1.RegistryService/SearchModelVersions': read,
  '/mlops.registry.v1.RegistryService/SetAlias': change('approver'),
  '/mlops.registry.v1.RegistryService/DeleteAlias': change('approver'),
  '/mlops.registry.v1.RegistryService/ApproveVersion': change('approver'),
  '/mlops.registry.v1.RegistryService/ListApprovals': read,
  '/mlops.registry.v1.RegistryService/GetLineage': read,
  '/mlops.registry.v1.RegistryService/ListAuditEvents': { role: 'approver', mutates: false },
  '/mlops.registry.v1.RegistryService/UploadArtifact': change('engineer'),
  '/mlops.registry.v1.RegistryService/DownloadArtifact': data,
  '/mlops.registry.v1.RegistryService/UploadModel': change('engineer'),

  '/mlops.serving.v1.DeploymentService/SetDeploymentPolicy': change('approver'),
  '/mlops.serving.v1.DeploymentService/GetDeploymentPolicy': read,
  '/mlops.serving.v1.DeploymentService/StartDeployment': change('engineer'),
  '/mlops.serving.v1.DeploymentService/GetDeployment': read,
  '/mlops.serving.v1.DeploymentService/ListDeployments': read,
  '/mlops.serving.v1.DeploymentService/ListAnalyses': read,
  '/mlops.serving.v1.DeploymentService/PauseDeployment': change('engineer'),
  '/mlops.serving.v1.DeploymentService/ResumeDeployment': change('engineer'),
  '/mlops.serving.v1.DeploymentService/PromoteDeployment': change('approver'),
  '/mlops.serving.v1.DeploymentService/RollbackDeployment': change('engineer'),

  '/mlops.monitoring.v1.MonitoringService/ListServiceInstances': read,
  '/mlops.monitoring.v1.MonitoringService/SetMonitoringPolicy': change('engineer'),
  '/mlops.monitoring.v1.MonitoringService/GetMonitoringPolicy': read,
  '/mlops.monitoring.v1.MonitoringService/GetDriftReport': read,
  '/mlops.monitoring.v1.MonitoringService/ListDriftReports': read,
  '/mlops.monitoring.v1.MonitoringService/GetPerformanceReport': read,
  '/mlops.monitoring.v1.MonitoringService/ListPerformanceReports': read,
  '/mlops.monitoring.v1.MonitoringService/ListAlerts': read,
  '/mlops.monitoring.v1.MonitoringService/GetTimeline': read,
  '/mlops.monitoring.v1.MonitoringService/ListTimelines': read,
};

/** HTTP routes by method and Nest route path (liveness and readiness are public). */
export const HTTP_ACCESS: Record<string, Access | typeof PUBLIC> = {
  'GET /health/live': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /v2/health/live': PUBLIC,
  'GET /v2/health/ready': PUBLIC,
  'GET /metrics': read,
  'GET /v2': read,
  'GET /v2/models/:name': read,
  'GET /v2/models/:name/ready': read,
  'GET /v2/models/:name/versions/:version': read,
  'GET /v2/models/:name/versions/:version/ready': read,
  'POST /v2/models/:name/infer': read,
  'POST /v2/models/:name/versions/:version/infer': read,

  // The console (services/console): its web app's files need no token (they hold no data);
  // sign-in checks the token it is given. Every API route needs a valid token and nothing more:
  // the console calls the owning service with that same token, whose rule above decides
  // (a change forwarded from here is checked, and audited, by the service that makes it).
  'GET /api/session': PUBLIC,
  'GET /api/events': read,
  'GET /api/health': read,
  'GET /api/sagas': read,
  'GET /api/models': read,
  'GET /api/models/:name': read,
  'GET /api/models/:name/versions/:version': read,
  'POST /api/models/:name/aliases': forwarded,
  'POST /api/models/:name/versions/:version/approve': forwarded,
  'GET /api/experiments': read,
  'GET /api/runs': read,
  'GET /api/compare': read,
  'GET /api/runs/:id': read,
  'GET /api/runs/:id/metrics/:key': read,
  'POST /api/metric-histories': read,
  'GET /api/jobs': read,
  'GET /api/deployments': read,
  'GET /api/deployments/:id': read,
  'POST /api/deployments/:id/:action': forwarded,
  'GET /api/monitoring/:model': read,
  'GET /api/alerts': read,
  'GET /api/datasets': read,
  'GET /api/datasets/:name': read,
  'GET /api/rejected-records': data,
  'GET /api/feature-views': read,
  'GET /api/feature-views/:name': read,
  'GET /api/snapshots/:id': read,
  'GET /api/snapshots/:id/rows': data,
  'POST /api/snapshots': forwarded,
  'GET /api/audit': read,

  // The MLflow-compatible API on the console (services/console/src/mlflow): like the console's
  // own, any valid token passes here and the training or registry rule behind each call decides.
  'GET /api/2.0/mlflow/experiments/get': read,
  'GET /api/2.0/mlflow/experiments/get-by-name': read,
  'GET /api/2.0/mlflow/experiments/search': read,
  'GET /api/2.0/mlflow/runs/get': read,
  'GET /api/2.0/mlflow/metrics/get-history': read,
  'GET /api/2.0/mlflow/artifacts/list': read,
  'GET /api/2.0/mlflow/registered-models/get': read,
  'GET /api/2.0/mlflow/registered-models/search': read,
  'GET /api/2.0/mlflow/registered-models/get-latest-versions': read,
  'GET /api/2.0/mlflow/registered-models/alias': read,
  'GET /api/2.0/mlflow/model-versions/get': read,
  'GET /api/2.0/mlflow/model-versions/search': read,
  'GET /api/2.0/mlflow/model-versions/get-download-uri': read,
  'POST /api/2.0/mlflow/experiments/search': read,
  'POST /api/2.0/mlflow/runs/search': read,
  'POST /api/2.0/mlflow/registered-models/get-latest-versions': read,
  'POST /api/2.0/mlflow/experiments/create': forwarded,
  'POST /api/2.0/mlflow/experiments/update': forwarded,
  'POST /api/2.0/mlflow/experiments/delete': forwarded,
  'POST /api/2.0/mlflow/experiments/restore': forwarded,
  'POST /api/2.0/mlflow/experiments/set-experiment-tag': forwarded,
  'POST /api/2.0/mlflow/runs/create': forwarded,
  'POST /api/2.0/mlflow/runs/update': forwarded,
  'POST /api/2.0/mlflow/runs/delete': forwarded,
  'POST /api/2.0/mlflow/runs/restore': forwarded,
  'POST /api/2.0/mlflow/runs/log-metric': forwarded,
  'POST /api/2.0/mlflow/runs/log-parameter': forwarded,
  'POST /api/2.0/mlflow/runs/log-batch': forwarded,
  'POST /api/2.0/mlflow/runs/set-tag': forwarded,
  'POST /api/2.0/mlflow/runs/delete-tag': forwarded,
  'POST /api/2.0/mlflow/registered-models/create': forwarded,
  'PATCH /api/2.0/mlflow/registered-models/update': forwarded,
  'POST /api/2.0/mlflow/registered-models/rename': forwarded,
  'DELETE /api/2.0/mlflow/registered-models/delete': forwarded,
  'POST /api/2.0/mlflow/registered-models/set-tag': forwarded,
  'DELETE /api/2.0/mlflow/registered-models/delete-tag': forwarded,
  'POST /api/2.0/mlflow/registered-models/alias': forwarded,
  'DELETE /api/2.0/mlflow/registered-models/alias': forwarded,
  'POST /api/2.0/mlflow/model-versions/create': forwarded,
  'PATCH /api/2.0/mlflow/model-versions/update': forwarded,
  'POST /api/2.0/mlflow/model-versions/set-tag': forwarded,
  'DELETE /api/2.0/mlflow/model-versions/delete-tag': forwarded,
  'GET /api/2.0/mlflow-artifacts/artifacts': read,
  'GET /api/2.0/mlflow-artifacts/artifacts/*path': data,
  'PUT /api/2.0/mlflow-artifacts/artifacts/*path': forwarded,
};

/** The roles each platform service's own identity (`service:<name>`) is issued with: what it calls. */
export const SERVICE_ROLES: Record<string, Role[]> = {
  ingestion: ['viewer'],
  // Cuts dataset versions in ingestion for point-in-time snapshots.
  'feature-store': ['engineer'],
  // Snapshots in the feature store, models and versions in the registry.
  training: ['engineer'],
  registry: ['viewer'],
  // Moves the production alias when a canary passes.
  serving: ['approver'],
  // Reads reference snapshots and model artifacts.
  monitoring: ['reader'],
};

/**
 * The only changes a platform service's own identity may ask of another (its role alone would
 * allow more): a stolen service token cannot, say, start deployments or approve versions.
 */
export const SERVICE_MUTATIONS: Record<string, string[]> = {
  ingestion: [],
  'feature-store': ['/mlops.ingestion.v1.IngestionService/CreateDatasetVersion'],
  training: ['/mlops.features.v1.FeatureStoreService/CreateSnapshot', '/mlops.registry.v1.RegistryService/UploadArtifact'],
  registry: [],
  serving: ['/mlops.registry.v1.RegistryService/SetAlias'],
  monitoring: [],
};

/** Whether `principal` may call `path`: by its roles, and for service identities by SERVICE_MUTATIONS too. */
export function allowsCall(principal: string, roles: readonly Role[], path: string, access: Access | undefined): boolean {
  if (!access) return roles.includes('admin');
  if (!allows(roles, access)) return false;
  const service = principal.startsWith('service:') ? principal.slice('service:'.length) : undefined;
  return !(service !== undefined && access.mutates && !(SERVICE_MUTATIONS[service] ?? []).includes(path));
}

/** Whether tokens with `roles` may do what `access` asks. */
export function allows(roles: readonly Role[], access: Access): boolean {
  if (roles.includes('admin') || access.role === 'viewer' || roles.includes(access.role)) return true;
  return access.role === 'reader' && roles.some((r) => DATA_READERS.includes(r));
}

export type Decision = { public: true } | { public: false; access: Access | undefined };

const decision = (rule: Access | typeof PUBLIC | undefined): Decision => (rule === PUBLIC ? { public: true } : { public: false, access: rule });

/** The access rule of a gRPC method (undefined: not listed, admin only). */
export function rpcAccess(path: string): Decision {
  return decision(RPC_ACCESS[path]);
}

export function httpAccess(method: string, routePath: string): Decision {
  return decision(HTTP_ACCESS[`${method.toUpperCase()} ${routePath}`]);
}

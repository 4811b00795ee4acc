/**
 * The console API's JSON, as the web app reads it: the services' messages in proto3 JSON
 * (camelCase fields, enums by name, int64 as numbers), plus what the console adds (pages,
 * lineage graphs, traffic series, saga summaries). services/console/src has the producing side.
 */

export type Role = 'viewer' | 'producer' | 'engineer' | 'approver' | 'admin';
export type Action = 'setAlias' | 'approveVersion' | 'pauseDeployment' | 'resumeDeployment' | 'promoteDeployment' | 'rollbackDeployment' | 'readAuditLog';

export interface Session {
  subject: string;
  roles: Role[];
  expiresAtMs: number;
  can: Record<Action, boolean>;
  authDisabled: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Dependency {
  name: string;
  kind: string;
  ready: boolean;
  detail: string;
  latencyMs: number;
}

export interface ServiceHealth {
  service: string;
  ready: boolean;
  version?: string;
  startedAtMs?: number;
  dependencies: Dependency[];
  error?: string;
}

export interface TimelineStep {
  atMs: number;
  kind: string;
  service: string;
  modelName?: string;
  version?: number;
  summary: string;
  details?: Record<string, string>;
}

export interface StageDuration {
  stage: string;
  from: string;
  to: string;
  durationMs?: number;
}

export interface SagaSummary {
  stages: StageDuration[];
  totalMs: number;
  outcome: string;
  version?: number;
}

export interface Saga {
  correlationId: string;
  modelName: string;
  steps: TimelineStep[];
  summary: SagaSummary;
}

export interface LiveEvent {
  seq: number;
  eventId: string;
  kind: 'step' | 'alias' | 'dataset-version' | 'snapshot' | 'service-started';
  topic: string;
  correlationId: string;
  atMs: number;
  modelName?: string;
  step?: TimelineStep;
  data: Record<string, unknown>;
}

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface Lineage {
  runId: string;
  jobId: string;
  snapshotId: string;
  featureView: string;
  featureViewVersion: number;
  dataset: string;
  datasetVersion: number;
  datasetContentHash: string;
  source: string;
}

export interface RegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  promotionPolicy: string;
  aliases: Record<string, number>;
  latestVersion: number;
  createdAtMs: number;
}

export interface ModelVersion {
  modelName: string;
  version: number;
  status: string;
  statusMessage: string;
  artifactSha256: string;
  artifactSize: number;
  signature?: { inputs: TensorSpec[]; outputs: TensorSpec[]; featureNames: string[] };
  lineage?: Lineage;
  metrics: Record<string, number>;
  description: string;
  tags: Record<string, string>;
  aliases: string[];
  createdAtMs: number;
}

export interface Approval {
  modelName: string;
  version: number;
  alias: string;
  approvedBy: string;
  reason: string;
  approvedAtMs: number;
}

export interface AnalysisThresholds {
  maxErrorRate?: number;
  maxP99LatencyMs?: number;
  maxDivergence?: number;
  maxAccuracyDrop?: number;
  minRequests?: number;
  minLabels?: number;
  requireLabels: boolean;
}

export interface DeploymentPolicy {
  modelName: string;
  strategy: string;
  shadowFirst: boolean;
  manual: boolean;
  canarySteps: number[];
  intervalSeconds?: number;
  failureLimit?: number;
  mirrorPercent?: number;
  thresholds?: AnalysisThresholds;
}

export interface Check {
  name: string;
  value: number;
  stableValue: number;
  threshold: number;
  samples: number;
  verdict: string;
}

export interface Analysis {
  number: number;
  phase: string;
  step: number;
  candidateWeightPercent: number;
  candidateRequests: number;
  stableRequests: number;
  checks: Check[];
  verdict: string;
  action: string;
  atMs: number;
}

export interface Deployment {
  id: string;
  modelName: string;
  strategy: string;
  state: string;
  phase: string;
  stableVersion: number;
  candidateVersion: number;
  candidateWeightPercent: number;
  mirrorPercent: number;
  step: number;
  failedChecks: number;
  reason: string;
  policy?: DeploymentPolicy;
  startedBy: string;
  correlationId: string;
  createdAtMs: number;
  updatedAtMs: number;
  nextAnalysisAtMs: number;
  lastAnalysis?: Analysis;
}

export interface TrafficPoint {
  atMs: number;
  weightPercent: number;
  note: string;
}

export interface ModelDetail {
  model: RegisteredModel;
  versions: ModelVersion[];
  approvals: Approval[];
  deploymentPolicy: DeploymentPolicy;
  deployments: Deployment[];
}

export interface LineageNode {
  id: string;
  kind: 'dataset-version' | 'feature-view' | 'snapshot' | 'run' | 'version' | 'deployment' | 'upload';
  label: string;
  detail: string;
  href: string;
  missing: boolean;
}

export interface VersionDetail {
  version: ModelVersion;
  lineage: { nodes: LineageNode[]; edges: { from: string; to: string }[] };
  productionVersionAtRegistration: number;
  approvals: Approval[];
}

export interface Experiment {
  name: string;
  tags: Record<string, string>;
  runCount: number;
  createdAtMs: number;
}

export interface Metric {
  key: string;
  value: number;
  step: number;
  timestampMs: number;
}

export interface Run {
  runId: string;
  experiment: string;
  runName: string;
  status: string;
  startTimeMs: number;
  endTimeMs: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  artifacts: { path: string; sha256: string; size: number }[];
  reproducibility?: { snapshotContentHash: string; seed: number; codeVersion: string; packages: Record<string, string> };
}

export interface RunMetricHistory {
  runId: string;
  metrics: Metric[];
  totalPoints: number;
}

export interface FeatureDriftResult {
  feature: string;
  test: string;
  statistic: number;
  threshold: number;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
  binEdges: number[];
  categories: string[];
  referenceShares: number[];
  currentShares: number[];
}

export interface DriftReport {
  modelName: string;
  version: number;
  referenceSnapshotId: string;
  referenceRows: number;
  windowRows: number;
  windowFromMs: number;
  windowToMs: number;
  features: FeatureDriftResult[];
  prediction?: FeatureDriftResult;
  driftedShare: number;
  datasetDrift: boolean;
  alertId: string;
  computedAtMs: number;
}

export interface PerformanceReport {
  modelName: string;
  version: number;
  task: string;
  metric: string;
  current: Record<string, number>;
  baseline: Record<string, number>;
  degradation: number;
  maxDegradation: number;
  degraded: boolean;
  labelled: number;
  alertId: string;
  computedAtMs: number;
}

export interface MonitoringPolicy {
  modelName: string;
  windowSize?: number;
  evaluateEvery?: number;
  driftShare?: number;
  consecutive?: number;
  cooldownSeconds?: number;
  retrain: string;
  performanceMetric: string;
  maxDegradation?: number;
  labelWindow?: number;
}

export interface ModelMonitoring {
  policy: MonitoringPolicy;
  drift?: DriftReport;
  driftHistory: DriftReport[];
  performance?: PerformanceReport;
  performanceHistory: PerformanceReport[];
}

export interface Alert {
  alertId: string;
  modelName: string;
  version: number;
  kind: string;
  driftedShare: number;
  features: FeatureDriftResult[];
  retrainRequested: boolean;
  correlationId: string;
  raisedAtMs: number;
  metric: string;
  baseline: number;
  current: number;
  sampleSize: number;
  retrainNote: string;
  saga?: SagaSummary;
}

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  min: number;
  hasMin: boolean;
  max: number;
  hasMax: boolean;
  categories: string[];
  description: string;
}

export interface Dataset {
  dataset: string;
  schemaVersion: number;
  columns: Column[];
  entityColumn: string;
  eventTimeColumn: string;
  labelColumn: string;
  description: string;
  versionEveryRecords: number;
  versionEverySeconds: number;
  createdAtMs: number;
  recordCount: number;
}

export interface DatasetVersion {
  dataset: string;
  version: number;
  name: string;
  rowCount: number;
  minEventTimeMs: number;
  maxEventTimeMs: number;
  contentHash: string;
  schemaVersion: number;
  trigger: string;
  createdAtMs: number;
}

export interface RejectedRecord {
  dataset: string;
  reasonCode: string;
  reason: string;
  payload: string;
  payloadEncoding: 'text' | 'base64';
  source: string;
  rejectedAtMs: number;
}

export interface FeatureView {
  name: string;
  version: number;
  sourceDataset: string;
  entityColumn: string;
  featureNames: string[];
  features: Record<string, unknown>[];
  ttlSeconds: number;
  description: string;
  createdAtMs: number;
}

export interface FeatureProfile {
  feature: string;
  numeric?: { count: number; nulls: number; mean: number; std: number; min: number; max: number; quantiles: { q: number; value: number }[]; histogramEdges: number[]; histogramCounts: number[] };
  categorical?: { count: number; nulls: number; distinct: number; frequencies: { value: string; count: number; share: number }[]; otherCount: number };
}

export interface Snapshot {
  snapshotId: string;
  featureView: string;
  featureViewVersion: number;
  dataset: string;
  datasetVersion: number;
  datasetContentHash: string;
  rowCount: number;
  contentHash: string;
  featureNames: string[];
  profiles: FeatureProfile[];
  requestedByRunId: string;
  createdAtMs: number;
  buildMs: number;
}

export interface AuditRecord {
  id: number;
  atMs: number;
  service: string;
  principal: string;
  roles: string[];
  action: string;
  outcome: string;
  requestId: string;
  tokenId: string;
  peer: string;
  requestJson: string;
}

import type { events } from '@mlops/contracts';

/** A saga step as the timeline stores it. */
export interface Step {
  kind: string;
  modelName: string;
  version: number;
  summary: string;
  details: Record<string, string>;
}

/** Where a kind of step falls in a saga, for steps announced in the same millisecond (an alert
 * and the retraining request it makes are one transaction, and their consumers record them in
 * either order). */
const SAGA_ORDER = ['drift.detected', 'performance.degraded', 'training.requested', 'training.completed', 'training.failed', 'version.registered'];
export function sagaRank(kind: string): number {
  const i = SAGA_ORDER.indexOf(kind);
  return i >= 0 ? i : SAGA_ORDER.length;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
const fixed = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

export function driftStep(e: events.DriftDetected): Step {
  const drifted = (e.features ?? []).filter((f) => f.drifted);
  return {
    kind: 'drift.detected',
    modelName: e.modelName,
    version: e.version,
    summary: `data drift in ${pct(e.driftedShare)} of the features (${drifted.map((f) => `${f.feature} ${f.test} ${fixed(f.statistic)}`).join(', ')})`,
    details: { alertId: e.alertId, driftedShare: String(e.driftedShare), drifted: drifted.map((f) => f.feature).join(',') },
  };
}

export function degradedStep(e: events.PerformanceDegraded): Step {
  return {
    kind: 'performance.degraded',
    modelName: e.modelName,
    version: e.version,
    summary: `${e.metric} ${fixed(e.current)} over ${e.sampleSize} labelled predictions, test ${fixed(e.baseline)} (limit ${pct(e.threshold)} worse)`,
    details: { alertId: e.alertId, metric: e.metric, baseline: String(e.baseline), current: String(e.current), threshold: String(e.threshold), sampleSize: String(e.sampleSize) },
  };
}

export function requestedStep(e: events.TrainingRunRequested): Step {
  return { kind: 'training.requested', modelName: e.modelName, version: 0, summary: `retraining requested (${e.trigger || 'request'})`, details: { requestId: e.requestId, trigger: e.trigger, alertId: e.alertId, fromTimeMs: String(e.fromTimeMs), toTimeMs: String(e.toTimeMs) } };
}

export function completedStep(e: events.TrainingRunCompleted): Step {
  const metrics = Object.entries(e.metrics ?? {}).slice(0, 3).map(([k, v]) => `${k} ${fixed(v)}`);
  return {
    kind: 'training.completed',
    modelName: e.modelName,
    version: 0,
    summary: `run ${e.runId.slice(0, 8)} (${e.algorithm}): ${metrics.join(', ')}; gate ${e.gatePassed ? 'passed' : `failed: ${e.gateReason}`}`,
    details: { runId: e.runId, jobId: e.jobId, snapshotId: e.snapshotId, gatePassed: String(e.gatePassed), gateReason: e.gateReason, ...Object.fromEntries(Object.entries(e.metrics ?? {}).map(([k, v]) => [`metric.${k}`, String(v)])) },
  };
}

export function failedStep(e: events.TrainingRunFailed): Step {
  return { kind: 'training.failed', modelName: e.modelName, version: 0, summary: `training failed: ${e.error}`, details: { runId: e.runId, jobId: e.jobId, error: e.error } };
}

export function registeredStep(e: events.ModelVersionRegistered): Step {
  return { kind: 'version.registered', modelName: e.modelName, version: e.version, summary: `version ${e.version} registered`, details: { runId: e.runId, artifactSha256: e.artifactSha256 } };
}

export function deploymentStep(e: events.DeploymentChanged): Step {
  return {
    kind: `deployment.${e.state}`,
    modelName: e.modelName,
    version: e.candidateVersion,
    summary: `${e.strategy} ${e.state}: version ${e.candidateVersion} at ${fixed(e.candidateWeightPercent)}% (stable ${e.stableVersion}) — ${e.reason}`,
    details: { deploymentId: e.deploymentId, strategy: e.strategy, state: e.state, phase: e.phase, step: String(e.step), weight: String(e.candidateWeightPercent), stable: String(e.stableVersion), failedChecks: String(e.failedChecks), reason: e.reason },
  };
}

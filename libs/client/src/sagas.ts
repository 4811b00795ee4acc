/**
 * Sagas: the steps of one correlation id, from a drift alert to the rollout it led to. Each
 * step comes from one platform event (the builders below, which monitoring's timeline and the
 * console's live feed share); a saga is read back as its milestones and the time between them.
 */
import type { events } from '@mlops/contracts';

/** A saga step as an event announces it (monitoring's timeline stores it with the event's time and service). */
export interface SagaStep {
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

export function driftStep(e: events.DriftDetected): SagaStep {
  const drifted = (e.features ?? []).filter((f) => f.drifted);
  return {
    kind: 'drift.detected',
    modelName: e.modelName,
    version: e.version,
    summary: `data drift in ${pct(e.driftedShare)} of the features (${drifted.map((f) => `${f.feature} ${f.test} ${fixed(f.statistic)}`).join(', ')})`,
    details: { alertId: e.alertId, driftedShare: String(e.driftedShare), drifted: drifted.map((f) => f.feature).join(',') },
  };
}

export function degradedStep(e: events.PerformanceDegraded): SagaStep {
  return {
    kind: 'performance.degraded',
    modelName: e.modelName,
    version: e.version,
    summary: `${e.metric} ${fixed(e.current)} over ${e.sampleSize} labelled predictions, test ${fixed(e.baseline)} (limit ${pct(e.threshold)} worse)`,
    details: { alertId: e.alertId, metric: e.metric, baseline: String(e.baseline), current: String(e.current), threshold: String(e.threshold), sampleSize: String(e.sampleSize) },
  };
}

export function requestedStep(e: events.TrainingRunRequested): SagaStep {
  return { kind: 'training.requested', modelName: e.modelName, version: 0, summary: `retraining requested (${e.trigger || 'request'})`, details: { requestId: e.requestId, trigger: e.trigger, alertId: e.alertId, fromTimeMs: String(e.fromTimeMs), toTimeMs: String(e.toTimeMs) } };
}

export function completedStep(e: events.TrainingRunCompleted): SagaStep {
  const metrics = Object.entries(e.metrics ?? {}).slice(0, 3).map(([k, v]) => `${k} ${fixed(v)}`);
  return {
    kind: 'training.completed',
    modelName: e.modelName,
    version: 0,
    summary: `run ${e.runId.slice(0, 8)} (${e.algorithm}): ${metrics.join(', ')}; gate ${e.gatePassed ? 'passed' : `failed: ${e.gateReason}`}`,
    details: { runId: e.runId, jobId: e.jobId, snapshotId: e.snapshotId, gatePassed: String(e.gatePassed), gateReason: e.gateReason, ...Object.fromEntries(Object.entries(e.metrics ?? {}).map(([k, v]) => [`metric.${k}`, String(v)])) },
  };
}

export function failedStep(e: events.TrainingRunFailed): SagaStep {
  return { kind: 'training.failed', modelName: e.modelName, version: 0, summary: `training failed: ${e.error}`, details: { runId: e.runId, jobId: e.jobId, error: e.error } };
}

export function registeredStep(e: events.ModelVersionRegistered): SagaStep {
  return { kind: 'version.registered', modelName: e.modelName, version: e.version, summary: `version ${e.version} registered`, details: { runId: e.runId, artifactSha256: e.artifactSha256 } };
}

export function deploymentStep(e: events.DeploymentChanged): SagaStep {
  return {
    kind: `deployment.${e.state}`,
    modelName: e.modelName,
    version: e.candidateVersion,
    summary: `${e.strategy} ${e.state}: version ${e.candidateVersion} at ${fixed(e.candidateWeightPercent)}% (stable ${e.stableVersion}) — ${e.reason}`,
    details: { deploymentId: e.deploymentId, strategy: e.strategy, state: e.state, phase: e.phase, step: String(e.step), weight: String(e.candidateWeightPercent), stable: String(e.stableVersion), failedChecks: String(e.failedChecks), reason: e.reason },
  };
}

/** One step, as monitoring.v1.TimelineStep arrives over gRPC. */
export interface TimelineStep {
  atMs: number;
  kind: string;
  service: string;
  modelName?: string;
  version?: number;
  summary: string;
  details?: Record<string, string>;
}

/** Kinds that start a saga by themselves. */
export const ALERT_KINDS: readonly string[] = ['drift.detected', 'performance.degraded'];

/** True when nothing more will follow the step in this saga. */
export function isTerminalStep(step: TimelineStep): boolean {
  if (step.kind === 'deployment.promoted' || step.kind === 'deployment.rolled_back' || step.kind === 'training.failed') return true;
  // A run whose gate failed registers nothing, so nothing is deployed either.
  return step.kind === 'training.completed' && step.details?.gatePassed === 'false';
}

/** Identity of a step across polls (the API has no step id; the same event gives the same step). */
export function stepKey(step: TimelineStep): string {
  return [step.atMs, step.kind, step.service, step.version ?? 0, step.summary].join('|');
}

/** A milestone of the loop and the step that marks it. */
export interface Milestone {
  name: 'alert' | 'training requested' | 'training completed' | 'version registered' | 'deployment progressing' | 'deployment finished';
  step?: TimelineStep;
}

export interface StageDuration {
  /** e.g. "alert → training requested". */
  stage: string;
  from: Milestone['name'];
  to: Milestone['name'];
  /** Undefined when either end has not happened (or is not part of this saga). */
  durationMs?: number;
}

export interface SagaSummary {
  stages: StageDuration[];
  /** First step to the last one. */
  totalMs: number;
  /** How the saga ended so far: "promoted", "rolled back", "training failed", "gate failed" or "in progress". */
  outcome: string;
  /** The version the saga produced, when it got that far. */
  version?: number;
}

function firstOf(steps: TimelineStep[], match: (s: TimelineStep) => boolean): TimelineStep | undefined {
  return steps.find(match);
}

/** The milestones in order; the deployment one is its first canary step (any progress step when
 * the rollout had no canary phase, e.g. a shadow rollout). */
export function findMilestones(steps: TimelineStep[]): Milestone[] {
  const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
  const progressing = sorted.filter((s) => s.kind === 'deployment.progressing');
  return [
    { name: 'alert', step: firstOf(sorted, (s) => ALERT_KINDS.includes(s.kind)) },
    { name: 'training requested', step: firstOf(sorted, (s) => s.kind === 'training.requested') },
    { name: 'training completed', step: firstOf(sorted, (s) => s.kind === 'training.completed' || s.kind === 'training.failed') },
    { name: 'version registered', step: firstOf(sorted, (s) => s.kind === 'version.registered') },
    { name: 'deployment progressing', step: progressing.find((s) => s.details?.phase === 'canary') ?? progressing[0] },
    { name: 'deployment finished', step: firstOf(sorted, (s) => s.kind === 'deployment.promoted' || s.kind === 'deployment.rolled_back') },
  ];
}

function outcomeOf(sorted: TimelineStep[]): string {
  const last = [...sorted].reverse().find(isTerminalStep);
  if (!last) return 'in progress';
  if (last.kind === 'deployment.promoted') return 'promoted';
  if (last.kind === 'deployment.rolled_back') return 'rolled back';
  if (last.kind === 'training.failed') return 'training failed';
  return 'gate failed';
}

/** Durations between consecutive milestones of a saga. */
export function summarizeSaga(steps: TimelineStep[]): SagaSummary {
  const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
  const milestones = findMilestones(sorted);
  const stages: StageDuration[] = [];
  for (let i = 1; i < milestones.length; i++) {
    const [from, to] = [milestones[i - 1], milestones[i]];
    const durationMs = from.step && to.step ? to.step.atMs - from.step.atMs : undefined;
    stages.push({ stage: `${label(from)} → ${label(to)}`, from: from.name, to: to.name, durationMs });
  }
  const registered = milestones[3].step;
  return {
    stages,
    totalMs: sorted.length ? sorted[sorted.length - 1].atMs - sorted[0].atMs : 0,
    outcome: outcomeOf(sorted),
    version: registered?.version || undefined,
  };
}

/** A milestone's name as it happened: a run that failed, a rollout that was rolled back. */
function label(milestone: Milestone): string {
  const kind = milestone.step?.kind;
  if (milestone.name === 'training completed') return kind === 'training.failed' ? 'training failed' : milestone.name;
  if (milestone.name !== 'deployment finished') return milestone.name;
  if (kind === 'deployment.rolled_back') return 'rolled back';
  return kind === 'deployment.promoted' ? 'promoted' : 'promoted/rolled back';
}

import { formatClock, formatDuration, type TimeOptions } from './format';
import { renderTable } from './table';

/**
 * A saga as people read it: one line per step (monitoring's GetTimeline), and a closing summary
 * of how long each stage of the loop took: alert → retraining requested → run completed →
 * version registered → first canary step → promoted or rolled back.
 */

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

/** Fixed column widths, so lines printed one at a time (--follow) still line up. */
const WIDTHS = { elapsed: 9, service: 13, kind: 26, version: 4 };

/** `10:02:03.456  +1m02s     serving        deployment.progressing  v4    canary …` */
export function renderStepLine(step: TimelineStep, firstAtMs: number, options: TimeOptions = {}): string {
  const elapsed = `+${formatDuration(Math.max(0, step.atMs - firstAtMs))}`;
  const version = step.version ? `v${step.version}` : '';
  return [
    formatClock(step.atMs, options),
    elapsed.padEnd(WIDTHS.elapsed),
    (step.service || '?').padEnd(WIDTHS.service),
    step.kind.padEnd(WIDTHS.kind),
    version.padEnd(WIDTHS.version),
    step.summary,
  ]
    .join(' ')
    .trimEnd();
}

/** Every step as a line, oldest first; elapsed time counts from the first step. */
export function renderTimeline(steps: TimelineStep[], options: TimeOptions = {}): string[] {
  const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0]?.atMs ?? 0;
  return sorted.map((step) => renderStepLine(step, first, options));
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

/** The summary as a small table, then the total and the outcome. */
export function renderSagaSummary(summary: SagaSummary): string {
  const rows = summary.stages.map((s) => [s.stage, s.durationMs === undefined ? '–' : formatDuration(s.durationMs)]);
  const table = renderTable([{ header: 'stage' }, { header: 'took', align: 'right' }], rows);
  const version = summary.version ? ` (version ${summary.version})` : '';
  return `${table}\ntotal ${formatDuration(summary.totalMs)}: ${summary.outcome}${version}`;
}

import type { PredictionTask as Task } from '@mlops/ml';
import { DEFAULT_CANARY_MIRROR_PERCENT, DEFAULT_SHADOW_MIRROR_PERCENT, type Policy, type StrategyName } from './policy';

/**
 * A deployment is the rollout of one candidate version of a model, as a persisted state machine:
 *
 *   progressing(shadow) ──pass × shadow_intervals──▶ progressing(canary step 0) or awaiting_promotion
 *   progressing(canary step i) ──pass──▶ step i+1 … ──pass at 100%──▶ promoting ──alias moved──▶ promoted
 *   a change to all traffic (promoting, or the canary's step to 100 %) of a candidate whose
 *     model requires an approval not given yet ──▶ awaiting_approval (at the weight it had: the
 *     last canary step below 100 %, 0 for basic and shadow) ──approved──▶ promoting
 *   any analysis ──fail × failure_limit──▶ rolled_back
 *   operators: pause ⇄ resume, promote (→ promoting), rollback (→ rolled_back)
 *
 * These functions only compute the next state; the service stores it with its event.
 */
export type DeploymentState = 'progressing' | 'paused' | 'promoting' | 'promoted' | 'rolled_back' | 'awaiting_promotion' | 'awaiting_approval';
export type Phase = 'shadow' | 'canary' | 'done';
export type VerdictName = 'pass' | 'fail' | 'wait' | 'skipped';

export const ACTIVE_STATES: readonly DeploymentState[] = ['progressing', 'paused', 'promoting', 'awaiting_promotion', 'awaiting_approval'];

export interface Deployment {
  id: string;
  modelName: string;
  strategy: StrategyName;
  state: DeploymentState;
  phase: Phase;
  stableVersion: number;
  candidateVersion: number;
  /** How the candidate's predictions are compared (from its outputs, when it was loaded). */
  task: Task;
  /** Share of live traffic the candidate answers, percent. */
  weight: number;
  /** Share of requests also run on the other version, percent. */
  mirrorPercent: number;
  step: number;
  failedChecks: number;
  /** Number of the measurement window being gathered now; its analysis carries the same number.
   * Each analysis (and a resume) opens the next window. */
  window: number;
  reason: string;
  policy: Policy;
  startedBy: string;
  correlationId: string;
  createdAt: Date;
  updatedAt: Date;
  nextAnalysisAt: Date | null;
}

/** The fields a transition changes. */
export type DeploymentChange = Partial<Pick<Deployment, 'state' | 'phase' | 'weight' | 'mirrorPercent' | 'step' | 'failedChecks' | 'window' | 'reason' | 'nextAnalysisAt'>>;

export class TransitionRefused extends Error {
  override readonly name = 'TransitionRefused';
}

export function isActive(state: DeploymentState): boolean {
  return ACTIVE_STATES.includes(state);
}

const canaryMirror = (p: Policy) => p.mirrorPercent ?? DEFAULT_CANARY_MIRROR_PERCENT;
const shadowMirror = (p: Policy) => p.mirrorPercent ?? DEFAULT_SHADOW_MIRROR_PERCENT;
const due = (p: Policy, now: Date) => new Date(now.getTime() + p.intervalSeconds * 1000);

/** Where a new deployment starts. Without a stable version there is nothing to compare with,
 * so the candidate goes live at once (basic). */
export function initialState(strategy: StrategyName, policy: Policy, stableVersion: number, now: Date): { strategy: StrategyName } & Required<Omit<DeploymentChange, 'window' | 'failedChecks'>> {
  if (strategy === 'basic' || stableVersion === 0) {
    const reason = stableVersion === 0 ? 'no production version yet: the candidate goes live at once' : 'basic: the candidate replaces the stable version';
    return { strategy: 'basic', state: 'promoting', phase: 'done', weight: 100, mirrorPercent: 0, step: 0, reason, nextAnalysisAt: null };
  }
  if (strategy === 'shadow' || policy.shadowFirst) {
    return { strategy, state: 'progressing', phase: 'shadow', weight: 0, mirrorPercent: shadowMirror(policy), step: 0, reason: 'shadow: mirroring requests to the candidate', nextAnalysisAt: due(policy, now) };
  }
  return { strategy, state: 'progressing', phase: 'canary', weight: policy.canarySteps[0], mirrorPercent: canaryMirror(policy), step: 0, reason: `canary step 1 of ${policy.canarySteps.length} (${policy.canarySteps[0]}%)`, nextAnalysisAt: due(policy, now) };
}

/** What an analysis verdict does to a progressing deployment, and a one-line account of it. */
export function afterAnalysis(d: Deployment, verdict: VerdictName, failedChecks: string[], now: Date): { change: DeploymentChange; action: string } {
  const p = d.policy;
  const base = { window: d.window + 1, nextAnalysisAt: due(p, now) };
  if (verdict === 'fail') {
    const failed = d.failedChecks + 1;
    if (failed >= p.failureLimit) {
      const reason = `rolled back: analysis failed ${failed} time(s) (${failedChecks.join(', ')})`;
      return { change: { ...base, failedChecks: failed, state: 'rolled_back', phase: 'done', weight: 0, mirrorPercent: 0, nextAnalysisAt: null, reason }, action: 'rolled back' };
    }
    return { change: { ...base, failedChecks: failed, reason: `analysis failed (${failedChecks.join(', ')}); ${p.failureLimit - failed} more failure(s) roll it back` }, action: 'held: failed check' };
  }
  // Not enough evidence yet: the step holds and the same window keeps collecting (labels and
  // requests add up across the waiting intervals instead of starting again from zero).
  if (verdict !== 'pass') return { change: { window: d.window, nextAnalysisAt: due(p, now), reason: 'waiting for enough measurements' }, action: 'held: not enough data' };
  if (d.phase === 'shadow') {
    const passed = d.step + 1;
    if (passed < p.shadowIntervals) return { change: { ...base, step: passed, reason: `shadow analysis ${passed} of ${p.shadowIntervals} passed` }, action: `shadow ${passed}/${p.shadowIntervals}` };
    if (d.strategy === 'canary') {
      const weight = p.canarySteps[0];
      return { change: { ...base, phase: 'canary', step: 0, weight, mirrorPercent: canaryMirror(p), reason: `shadow passed; canary step 1 of ${p.canarySteps.length} (${weight}%)` }, action: `canary step 1 (${weight}%)` };
    }
    return { change: { ...base, step: passed, state: 'awaiting_promotion', phase: 'done', nextAnalysisAt: null, reason: 'shadow analysis passed: promote or roll back' }, action: 'awaiting promotion' };
  }
  const next = d.step + 1;
  if (next < p.canarySteps.length) {
    const weight = p.canarySteps[next];
    return { change: { ...base, step: next, weight, reason: `canary step ${next + 1} of ${p.canarySteps.length} (${weight}%)` }, action: `canary step ${next + 1} (${weight}%)` };
  }
  return { change: { ...base, state: 'promoting', phase: 'done', weight: 100, mirrorPercent: 0, nextAnalysisAt: null, reason: 'analysis passed at every step: promoting' }, action: 'promoting' };
}

export function pause(d: Deployment, reason: string): DeploymentChange {
  if (d.state !== 'progressing') throw new TransitionRefused(`deployment ${d.id} is ${d.state}; only a progressing deployment can be paused`);
  return { state: 'paused', nextAnalysisAt: null, reason: reason || 'paused by an operator' };
}

export function resume(d: Deployment, reason: string, now: Date): DeploymentChange {
  if (d.state !== 'paused') throw new TransitionRefused(`deployment ${d.id} is ${d.state}; only a paused deployment can be resumed`);
  // The interval restarts: measurements taken while paused are not judged.
  return { state: 'progressing', window: d.window + 1, nextAnalysisAt: due(d.policy, now), reason: reason || 'resumed by an operator' };
}

export function promote(d: Deployment, reason: string): DeploymentChange {
  if (!['progressing', 'paused', 'awaiting_promotion', 'awaiting_approval'].includes(d.state)) throw new TransitionRefused(`deployment ${d.id} is ${d.state} and cannot be promoted`);
  return { state: 'promoting', phase: 'done', weight: 100, mirrorPercent: 0, nextAnalysisAt: null, reason: reason || 'promoted by an operator' };
}

/** Also from `promoting` (a promotion the registry keeps refusing): the service first checks
 * that the alias has not moved, and undoes the move if it happens after all. */
export function rollback(d: Deployment, reason: string): DeploymentChange {
  if (!isActive(d.state)) throw new TransitionRefused(`deployment ${d.id} is ${d.state} and cannot be rolled back`);
  return { state: 'rolled_back', phase: 'done', weight: 0, mirrorPercent: 0, nextAnalysisAt: null, reason: reason || 'rolled back by an operator' };
}

/** Whether the change gives the candidate all traffic: a promotion, or a canary's step to 100 %. */
export function takesAllTraffic(d: Pick<Deployment, 'weight'>, change: DeploymentChange): boolean {
  if (change.state === 'promoting') return true;
  return change.state !== 'rolled_back' && change.weight !== undefined && change.weight >= 100 && d.weight < 100;
}

/**
 * A change that would give all traffic to a candidate that still needs an approval (a promotion,
 * or the canary's step to 100 %): the
 * deployment waits instead, at the weight it had before the change (the last canary step's; 0
 * when the candidate had no live traffic), checked again every interval. Any other change as given.
 */
export function holdForApproval(d: Pick<Deployment, 'weight' | 'mirrorPercent' | 'candidateVersion' | 'policy'>, change: DeploymentChange, now: Date): DeploymentChange {
  if (!takesAllTraffic(d, change)) return change;
  return {
    ...change,
    state: 'awaiting_approval',
    weight: d.weight,
    mirrorPercent: d.mirrorPercent,
    nextAnalysisAt: due(d.policy, now),
    reason: `awaiting approval: version ${d.candidateVersion} needs an approver's approval before it takes all traffic (${change.reason ?? 'promotion'})`,
  };
}

/** An approved candidate's wait ends: the promotion goes ahead (the alias moves, then weight 100). */
export function approved(d: Deployment): DeploymentChange {
  if (d.state !== 'awaiting_approval') throw new TransitionRefused(`deployment ${d.id} is ${d.state}, not awaiting approval`);
  return { state: 'promoting', phase: 'done', weight: 100, mirrorPercent: 0, nextAnalysisAt: null, reason: `version ${d.candidateVersion} approved: promoting` };
}

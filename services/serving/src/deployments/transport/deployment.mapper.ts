import { serving } from '@mlops/contracts';
import type { AnalysisRecord } from '../deployments.repository';
import type { Deployment, DeploymentState, Phase, VerdictName } from '../domain/deployment';
import type { Policy, PolicyInput, StrategyName } from '../domain/policy';

const { Strategy, DeploymentState: State, Phase: PhaseEnum, Verdict } = serving;

const STRATEGY: Record<StrategyName, serving.Strategy> = { basic: Strategy.STRATEGY_BASIC, shadow: Strategy.STRATEGY_SHADOW, canary: Strategy.STRATEGY_CANARY };
const STATE: Record<DeploymentState, serving.DeploymentState> = {
  progressing: State.DEPLOYMENT_STATE_PROGRESSING,
  paused: State.DEPLOYMENT_STATE_PAUSED,
  promoting: State.DEPLOYMENT_STATE_PROMOTING,
  promoted: State.DEPLOYMENT_STATE_PROMOTED,
  rolled_back: State.DEPLOYMENT_STATE_ROLLED_BACK,
  awaiting_promotion: State.DEPLOYMENT_STATE_AWAITING_PROMOTION,
  awaiting_approval: State.DEPLOYMENT_STATE_AWAITING_APPROVAL,
};
const PHASE: Record<Phase, serving.Phase> = { shadow: PhaseEnum.PHASE_SHADOW, canary: PhaseEnum.PHASE_CANARY, done: PhaseEnum.PHASE_DONE };
const VERDICT: Record<VerdictName, serving.Verdict> = { pass: Verdict.VERDICT_PASS, fail: Verdict.VERDICT_FAIL, wait: Verdict.VERDICT_WAIT, skipped: Verdict.VERDICT_SKIPPED };

export function toStrategyName(s: serving.Strategy | undefined): StrategyName | undefined {
  return (Object.entries(STRATEGY).find(([, v]) => v === s)?.[0] as StrategyName | undefined) ?? undefined;
}

/** The request as a policy input: unset fields stay unset and take their defaults. */
export function toPolicyInput(p: serving.DeploymentPolicy): PolicyInput {
  const t = p.thresholds;
  return {
    modelName: p.modelName,
    strategy: toStrategyName(p.strategy),
    shadowFirst: p.shadowFirst || undefined,
    manual: p.manual || undefined,
    canarySteps: p.canarySteps?.length ? p.canarySteps : undefined,
    intervalSeconds: p.intervalSeconds ?? undefined,
    shadowIntervals: p.shadowIntervals ?? undefined,
    mirrorPercent: p.mirrorPercent ?? undefined,
    failureLimit: p.failureLimit ?? undefined,
    stableFallback: p.noStableFallback ? false : undefined,
    thresholds: t
      ? {
          maxErrorRate: t.maxErrorRate ?? undefined,
          maxP99LatencyMs: t.maxP99LatencyMs ?? undefined,
          maxDivergence: t.maxDivergence ?? undefined,
          maxAccuracyDrop: t.maxAccuracyDrop ?? undefined,
          minRequests: t.minRequests ?? undefined,
          minLabels: t.minLabels ?? undefined,
          minMirrored: t.minMirrored ?? undefined,
          requireLabels: t.requireLabels || undefined,
        }
      : undefined,
  };
}

export function toPolicyMessage(p: Policy, updatedAt?: Date): serving.DeploymentPolicy {
  return {
    modelName: p.modelName,
    strategy: STRATEGY[p.strategy],
    shadowFirst: p.shadowFirst,
    manual: p.manual,
    canarySteps: p.canarySteps,
    intervalSeconds: p.intervalSeconds,
    shadowIntervals: p.shadowIntervals,
    mirrorPercent: p.mirrorPercent,
    failureLimit: p.failureLimit,
    thresholds: { ...p.thresholds },
    noStableFallback: !p.stableFallback,
    updatedAtMs: updatedAt?.getTime() ?? 0,
  };
}

export function toAnalysisMessage(a: AnalysisRecord): serving.Analysis {
  return {
    number: a.number,
    phase: PHASE[a.phase],
    step: a.step,
    candidateWeightPercent: a.weight,
    candidateRequests: a.candidateRequests,
    stableRequests: a.stableRequests,
    checks: a.checks.map((c) => ({ name: c.name, value: c.value, stableValue: c.stableValue, threshold: c.threshold, samples: c.samples, verdict: VERDICT[c.verdict] })),
    verdict: VERDICT[a.verdict],
    action: a.action,
    atMs: a.at.getTime(),
  };
}

export function toDeploymentMessage(d: Deployment, last?: AnalysisRecord): serving.Deployment {
  return {
    id: d.id,
    modelName: d.modelName,
    strategy: STRATEGY[d.strategy],
    state: STATE[d.state],
    phase: PHASE[d.phase],
    stableVersion: d.stableVersion,
    candidateVersion: d.candidateVersion,
    candidateWeightPercent: d.weight,
    mirrorPercent: d.mirrorPercent,
    step: d.step,
    failedChecks: d.failedChecks,
    reason: d.reason,
    policy: toPolicyMessage(d.policy),
    startedBy: d.startedBy,
    correlationId: d.correlationId,
    createdAtMs: d.createdAt.getTime(),
    updatedAtMs: d.updatedAt.getTime(),
    nextAnalysisAtMs: d.nextAnalysisAt?.getTime() ?? 0,
    lastAnalysis: last && toAnalysisMessage(last),
  };
}

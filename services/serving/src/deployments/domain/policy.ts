/**
 * A model's deployment policy: which strategy a new version gets, the canary steps, the analysis
 * interval and the limits of each gate. Every field has a default (Flagger's and Argo Rollouts'
 * conventions where they have one), so an empty policy is a working canary.
 */
export type StrategyName = 'basic' | 'shadow' | 'canary';

export interface Thresholds {
  maxErrorRate: number;
  maxP99LatencyMs: number;
  maxDivergence: number;
  maxAccuracyDrop: number;
  minRequests: number;
  minLabels: number;
  minMirrored: number;
  /** Labels are expected: accuracy decides and too few labels wait; divergence is only reported. */
  requireLabels: boolean;
}

export interface Policy {
  modelName: string;
  strategy: StrategyName;
  shadowFirst: boolean;
  manual: boolean;
  canarySteps: number[];
  intervalSeconds: number;
  shadowIntervals: number;
  /** Undefined: the phase's default (canary 10, shadow 100). */
  mirrorPercent?: number;
  failureLimit: number;
  thresholds: Thresholds;
  stableFallback: boolean;
}

export type PolicyInput = Partial<Omit<Policy, 'thresholds'>> & { modelName: string; thresholds?: Partial<Thresholds> };

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxErrorRate: 0.01,
  maxP99LatencyMs: 500,
  maxDivergence: 0.1,
  maxAccuracyDrop: 0.02,
  minRequests: 20,
  minLabels: 20,
  minMirrored: 20,
  requireLabels: false,
};

export const DEFAULT_CANARY_STEPS = [10, 25, 50, 100];
export const DEFAULT_CANARY_MIRROR_PERCENT = 10;
export const DEFAULT_SHADOW_MIRROR_PERCENT = 100;

export interface PolicyDefaults {
  strategy: StrategyName;
  intervalSeconds: number;
}

/** Fills every unset field with its default. */
export function resolvePolicy(input: PolicyInput, defaults: PolicyDefaults): Policy {
  const defined = <T>(value: T | undefined, fallback: T): T => (value === undefined || value === null ? fallback : value);
  const t = input.thresholds ?? {};
  return {
    modelName: input.modelName,
    strategy: input.strategy ?? defaults.strategy,
    shadowFirst: input.shadowFirst ?? false,
    manual: input.manual ?? false,
    canarySteps: input.canarySteps && input.canarySteps.length > 0 ? [...input.canarySteps] : [...DEFAULT_CANARY_STEPS],
    intervalSeconds: defined(input.intervalSeconds, defaults.intervalSeconds),
    shadowIntervals: defined(input.shadowIntervals, 2),
    mirrorPercent: input.mirrorPercent ?? undefined,
    failureLimit: defined(input.failureLimit, 2),
    stableFallback: input.stableFallback ?? true,
    thresholds: {
      maxErrorRate: defined(t.maxErrorRate, DEFAULT_THRESHOLDS.maxErrorRate),
      maxP99LatencyMs: defined(t.maxP99LatencyMs, DEFAULT_THRESHOLDS.maxP99LatencyMs),
      maxDivergence: defined(t.maxDivergence, DEFAULT_THRESHOLDS.maxDivergence),
      maxAccuracyDrop: defined(t.maxAccuracyDrop, DEFAULT_THRESHOLDS.maxAccuracyDrop),
      minRequests: defined(t.minRequests, DEFAULT_THRESHOLDS.minRequests),
      minLabels: defined(t.minLabels, DEFAULT_THRESHOLDS.minLabels),
      minMirrored: defined(t.minMirrored, DEFAULT_THRESHOLDS.minMirrored),
      requireLabels: defined(t.requireLabels, DEFAULT_THRESHOLDS.requireLabels),
    },
  };
}

/** Every problem of a resolved policy, each naming the field (empty when it is valid). */
export function policyProblems(p: Policy): string[] {
  const problems: string[] = [];
  const steps = p.canarySteps;
  if (steps.some((s) => !Number.isFinite(s) || s <= 0 || s > 100)) problems.push(`canary_steps must be percentages in (0, 100], got [${steps.join(', ')}]`);
  else if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) problems.push(`canary_steps must increase, got [${steps.join(', ')}]`);
  else if (steps[steps.length - 1] !== 100) problems.push(`canary_steps must end at 100, got [${steps.join(', ')}]`);
  if (!(p.intervalSeconds >= 0.1 && p.intervalSeconds <= 86_400)) problems.push(`interval_seconds must be between 0.1 and 86400, got ${p.intervalSeconds}`);
  if (!Number.isInteger(p.shadowIntervals) || p.shadowIntervals < 1) problems.push(`shadow_intervals must be a positive integer, got ${p.shadowIntervals}`);
  if (p.mirrorPercent !== undefined && !(p.mirrorPercent >= 0 && p.mirrorPercent <= 100)) problems.push(`mirror_percent must be between 0 and 100, got ${p.mirrorPercent}`);
  if (!Number.isInteger(p.failureLimit) || p.failureLimit < 1) problems.push(`failure_limit must be a positive integer, got ${p.failureLimit}`);
  if (p.shadowFirst && p.strategy !== 'canary') problems.push(`shadow_first applies to the canary strategy only, not ${p.strategy}`);
  const t = p.thresholds;
  // At the 100 % step the stable version predicts only on mirrored requests: without them it has
  // no labelled predictions, and an analysis that requires labels would wait forever.
  if (t.requireLabels && p.mirrorPercent === 0) problems.push('thresholds.require_labels needs mirror_percent above 0: at the last step (100 %) only mirrored requests give the stable version labelled predictions to compare');
  for (const [field, value] of [['max_error_rate', t.maxErrorRate], ['max_divergence', t.maxDivergence], ['max_accuracy_drop', t.maxAccuracyDrop]] as const) {
    if (!(value >= 0 && value <= 1)) problems.push(`thresholds.${field} must be between 0 and 1, got ${value}`);
  }
  if (!(t.maxP99LatencyMs > 0)) problems.push(`thresholds.max_p99_latency_ms must be positive, got ${t.maxP99LatencyMs}`);
  for (const [field, value] of [['min_requests', t.minRequests], ['min_labels', t.minLabels], ['min_mirrored', t.minMirrored]] as const) {
    if (!Number.isInteger(value) || value < 1) problems.push(`thresholds.${field} must be a positive integer, got ${value}`);
  }
  return problems;
}

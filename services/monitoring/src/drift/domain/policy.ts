import { PERFORMANCE_METRICS, type PerformanceMetric } from '../../performance/domain/performance';

/** How a model's live traffic is watched for drift, with every default filled in. */
export type RetrainMode = 'automatic' | 'alert_only';

export interface MonitoringPolicy {
  modelName: string;
  windowSize: number;
  /** When positive, only rows served in the last this many seconds are judged (at most windowSize). */
  windowSeconds: number;
  evaluateEvery: number;
  driftShare: number;
  consecutive: number;
  clearAfter: number;
  cooldownSeconds: number;
  retrain: RetrainMode;
  retrainWindowSeconds: number;
  /** Concept drift: labelled predictions judged together, the most recent ones. */
  labelWindow: number;
  /** Metric compared with the version's test metric; '' = accuracy (classifiers) or rmse (regressors). */
  performanceMetric: string;
  /** Relative degradation of that metric that counts as degraded. */
  maxDegradation: number;
  /** How long a prediction waits for its label (and a label for its prediction). */
  labelJoinSeconds: number;
}

export type MonitoringPolicyInput = Partial<MonitoringPolicy> & { modelName: string };

export const DEFAULT_POLICY: Omit<MonitoringPolicy, 'modelName'> = {
  windowSize: 1000,
  windowSeconds: 0,
  evaluateEvery: 250,
  driftShare: 0.5,
  consecutive: 2,
  clearAfter: 2,
  cooldownSeconds: 600,
  retrain: 'automatic',
  retrainWindowSeconds: 86_400,
  labelWindow: 500,
  performanceMetric: '',
  maxDegradation: 0.1,
  labelJoinSeconds: 3600,
};

export function resolveMonitoringPolicy(input: MonitoringPolicyInput): MonitoringPolicy {
  const out = { ...DEFAULT_POLICY, modelName: input.modelName } as MonitoringPolicy;
  for (const [key, value] of Object.entries(input)) if (value !== undefined && value !== null) (out as unknown as Record<string, unknown>)[key] = value;
  return out;
}

export function monitoringPolicyProblems(p: MonitoringPolicy): string[] {
  const problems: string[] = [];
  const positiveInt = (field: string, v: number, max = 1_000_000) => {
    if (!Number.isInteger(v) || v < 1 || v > max) problems.push(`${field} must be an integer between 1 and ${max}, got ${v}`);
  };
  positiveInt('window_size', p.windowSize);
  positiveInt('evaluate_every', p.evaluateEvery);
  positiveInt('consecutive', p.consecutive, 1000);
  positiveInt('clear_after', p.clearAfter, 1000);
  if (!(p.driftShare > 0 && p.driftShare <= 1)) problems.push(`drift_share must be in (0, 1], got ${p.driftShare}`);
  if (!(p.windowSeconds >= 0)) problems.push(`window_seconds must not be negative, got ${p.windowSeconds}`);
  if (!(p.cooldownSeconds >= 0)) problems.push(`cooldown_seconds must not be negative, got ${p.cooldownSeconds}`);
  positiveInt('label_window', p.labelWindow, 100_000);
  if (p.performanceMetric && !PERFORMANCE_METRICS.includes(p.performanceMetric as PerformanceMetric)) problems.push(`performance_metric must be one of ${PERFORMANCE_METRICS.join(', ')}, got "${p.performanceMetric}"`);
  if (!(p.maxDegradation > 0)) problems.push(`max_degradation must be positive, got ${p.maxDegradation}`);
  if (!(p.labelJoinSeconds > 0)) problems.push(`label_join_seconds must be positive, got ${p.labelJoinSeconds}`);
  if (!(p.retrainWindowSeconds > 0)) problems.push(`retrain_window_seconds must be positive, got ${p.retrainWindowSeconds}`);
  return problems;
}

/** How a model's live traffic is watched for drift, with every default filled in. */
export type RetrainMode = 'automatic' | 'alert_only';

export interface MonitoringPolicy {
  modelName: string;
  windowSize: number;
  evaluateEvery: number;
  driftShare: number;
  consecutive: number;
  clearAfter: number;
  cooldownSeconds: number;
  retrain: RetrainMode;
  retrainWindowSeconds: number;
}

export type MonitoringPolicyInput = Partial<MonitoringPolicy> & { modelName: string };

export const DEFAULT_POLICY: Omit<MonitoringPolicy, 'modelName'> = {
  windowSize: 1000,
  evaluateEvery: 250,
  driftShare: 0.5,
  consecutive: 2,
  clearAfter: 2,
  cooldownSeconds: 600,
  retrain: 'automatic',
  retrainWindowSeconds: 86_400,
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
  if (!(p.cooldownSeconds >= 0)) problems.push(`cooldown_seconds must not be negative, got ${p.cooldownSeconds}`);
  if (!(p.retrainWindowSeconds > 0)) problems.push(`retrain_window_seconds must be positive, got ${p.retrainWindowSeconds}`);
  return problems;
}

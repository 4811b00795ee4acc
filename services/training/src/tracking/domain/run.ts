/** Experiment tracking, as the domain sees it. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export interface Experiment {
  name: string;
  tags: Record<string, string>;
  runCount: number;
  createdAt: Date;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestampMs: number;
}

export interface Reproducibility {
  snapshotContentHash: string;
  seed: number;
  codeVersion: string;
  packages: Record<string, string>;
}

export interface ArtifactRef {
  path: string;
  sha256: string;
  size: number;
}

export interface Run {
  runId: string;
  experiment: string;
  runName: string;
  status: RunStatus;
  startTimeMs: number;
  endTimeMs: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  artifacts: ArtifactRef[];
  reproducibility: Reproducibility;
}

/** One run's series of one metric, maybe thinned; totalPoints counts the values before. */
export interface RunMetricHistory {
  runId: string;
  metrics: MetricPoint[];
  totalPoints: number;
}

export const MAX_METRICS_PER_BATCH = 10_000;
const KEY = /^[A-Za-z0-9_.\-/ ]{1,250}$/;

/** Problems with a batch: names that are too long or odd, values that are not numbers. */
export function batchProblems(metrics: MetricPoint[], params: Record<string, string>, tags: Record<string, string>): string[] {
  const problems: string[] = [];
  if (metrics.length > MAX_METRICS_PER_BATCH) problems.push(`${metrics.length} metric values in one batch; at most ${MAX_METRICS_PER_BATCH}`);
  const badMetric = metrics.find((m) => !KEY.test(m.key) || Number.isNaN(m.value) || !Number.isSafeInteger(m.step));
  if (badMetric) problems.push(`metric "${badMetric.key}" at step ${badMetric.step} needs a name of 1 to 250 of A-Z a-z 0-9 _ . - / space, a number value and an integer step`);
  for (const [kind, entries] of [['param', params], ['tag', tags]] as const) {
    for (const [key, value] of Object.entries(entries)) {
      if (!KEY.test(key)) problems.push(`${kind} name "${key.slice(0, 50)}" must be 1 to 250 of A-Z a-z 0-9 _ . - / space`);
      if (value.length > 6000) problems.push(`${kind} "${key}" is longer than 6000 characters`);
    }
  }
  return problems;
}

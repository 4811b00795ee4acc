/** Experiment tracking, as the domain sees it. */
import { invalidArgument } from '@mlops/errors';

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

/** Soft deletion, as MLflow's: a deleted experiment or run keeps its data and its name. */
export type LifecycleStage = 'active' | 'deleted';
/** Which lifecycle stages a list returns. */
export type ViewType = 'active' | 'deleted' | 'all';

export function stagesOf(view: ViewType): LifecycleStage[] {
  return view === 'all' ? ['active', 'deleted'] : [view];
}

export interface Experiment {
  experimentId: string;
  name: string;
  tags: Record<string, string>;
  runCount: number;
  lifecycleStage: LifecycleStage;
  createdAt: Date;
  lastUpdateTime: Date;
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
  experimentId: string;
  lifecycleStage: LifecycleStage;
  userId: string;
  runName: string;
  status: RunStatus;
  startTimeMs: number;
  endTimeMs: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  /** The same latest values with their step and time. */
  latestMetrics: MetricPoint[];
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

/** Experiment names: 1 to 200 printable ASCII characters. */
export const EXPERIMENT_NAME = /^[\x20-\x7e]{1,200}$/;
/** Experiment ids: decimal, within a bigint. */
export const EXPERIMENT_ID = /^\d{1,18}$/;
/** MLflow's default experiment, "Default": where runs go that name none. */
export const DEFAULT_EXPERIMENT_ID = '0';

/** The id, when it is one (a decimal number); INVALID_ARGUMENT otherwise. */
export function checkedId(experimentId: string): string {
  if (!EXPERIMENT_ID.test(experimentId)) throw invalidArgument(`experiment id "${experimentId.slice(0, 40)}" is not a decimal number`);
  return experimentId;
}

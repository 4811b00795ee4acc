import { mulberry32 } from '@mlops/ml';

/** A training job's request, as the domain sees it. */
export type Algorithm = 'logistic_regression' | 'linear_regression' | 'gradient_boosted_trees';
export type Problem = 'classification' | 'regression';

export interface JobSpec {
  modelName: string;
  featureView: string;
  featureViewVersion: number;
  snapshotId: string;
  datasetVersion: number;
  cutDatasetVersion: boolean;
  fromTimeMs: number;
  toTimeMs: number;
  algorithm: Algorithm;
  problem: Problem;
  hyperparameters: Record<string, number>;
  grid: Record<string, number[]>;
  ranges: Record<string, { min: number; max: number; logScale: boolean; integer: boolean }>;
  trials: number;
  validationFraction: number;
  testFraction: number;
  seed: number;
  gateMetric: string;
  gateMaxDegradation: number;
  experiment: string;
  trigger: string;
  /** Refit the registered model on all the rows once the gate has passed (default true). */
  refit: boolean;
  /** Threads of a gradient-boosted trees fit (1 to MAX_FIT_THREADS; other trainers use one). */
  threads: number;
}

export const MAX_FIT_THREADS = 64;

const KNOWN: Record<Algorithm, string[]> = {
  logistic_regression: ['C', 'max_iter', 'standardize'],
  linear_regression: ['alpha'],
  gradient_boosted_trees: ['learning_rate', 'max_iterations', 'max_leaf_nodes', 'min_samples_leaf', 'l2_regularization', 'max_depth', 'early_stopping_rounds'],
};
const CLASSIFICATION_METRICS = ['accuracy', 'f1', 'roc_auc', 'log_loss'];
const REGRESSION_METRICS = ['rmse', 'mae', 'r2'];
const MAX_TRIALS = 200;

/** Lower is better for losses and errors, higher for everything else. */
export function lowerIsBetter(metric: string): boolean {
  return ['log_loss', 'rmse', 'mae'].includes(metric);
}

export function specProblems(spec: JobSpec): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_-]{0,62}$/.test(spec.modelName)) problems.push(`model name "${spec.modelName}" must match [a-z][a-z0-9_-]*`);
  if (!spec.snapshotId && !spec.featureView) problems.push('name a feature_view (or an existing snapshot_id) to train on');
  if (spec.algorithm === 'logistic_regression' && spec.problem !== 'classification') problems.push('logistic regression is a classifier');
  if (spec.algorithm === 'linear_regression' && spec.problem !== 'regression') problems.push('linear regression is a regressor');
  for (const key of [...Object.keys(spec.hyperparameters), ...Object.keys(spec.grid), ...Object.keys(spec.ranges)]) {
    if (!KNOWN[spec.algorithm].includes(key)) problems.push(`unknown hyperparameter "${key}" for ${spec.algorithm} (known: ${KNOWN[spec.algorithm].join(', ')})`);
  }
  for (const [key, r] of Object.entries(spec.ranges)) if (!(r.min <= r.max) || (r.logScale && r.min <= 0)) problems.push(`range of "${key}" must have min <= max (and min > 0 on a log scale)`);
  const metrics = spec.problem === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
  if (!metrics.includes(spec.gateMetric)) problems.push(`gate metric "${spec.gateMetric}" is not one of ${metrics.join(', ')}`);
  if (!Number.isInteger(spec.threads) || spec.threads < 1 || spec.threads > MAX_FIT_THREADS) problems.push(`threads must be between 1 and ${MAX_FIT_THREADS} (0 for 1), got ${spec.threads}`);
  if (spec.validationFraction <= 0 || spec.testFraction <= 0 || spec.validationFraction + spec.testFraction >= 0.9) problems.push('validation and test fractions must be positive and leave at least 10% for training');
  // Counted, not built: a grid of a few long lists multiplies to more sets than memory holds.
  const trials = trialCount(spec);
  if (trials > MAX_TRIALS) problems.push(`the search has ${trials.toLocaleString('en-US')} trials, more than ${MAX_TRIALS}`);
  return problems;
}

/** How many hyperparameter sets `candidates` would return, without building them. */
export function trialCount(spec: JobSpec): number {
  const grid = Object.values(spec.grid);
  if (grid.length > 0) return grid.reduce((n, values) => n * values.length, 1);
  return Object.keys(spec.ranges).length > 0 ? Math.max(1, spec.trials) : 1;
}

/** Hyperparameter sets to try: the grid's cartesian product, or seeded random samples. */
export function candidates(spec: JobSpec): Record<string, number>[] {
  if (trialCount(spec) > MAX_TRIALS) throw new Error(`the search has ${trialCount(spec)} trials, more than ${MAX_TRIALS}`);
  const gridKeys = Object.keys(spec.grid);
  if (gridKeys.length > 0) {
    return gridKeys.reduce<Record<string, number>[]>(
      (sets, key) => sets.flatMap((set) => spec.grid[key].map((value) => ({ ...set, [key]: value }))),
      [{ ...spec.hyperparameters }],
    );
  }
  const rangeKeys = Object.keys(spec.ranges);
  if (rangeKeys.length === 0) return [{ ...spec.hyperparameters }];
  const random = mulberry32(spec.seed);
  return Array.from({ length: Math.max(1, spec.trials) }, () => {
    const set: Record<string, number> = { ...spec.hyperparameters };
    for (const key of rangeKeys) {
      const r = spec.ranges[key];
      const u = random();
      let value = r.logScale ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
      if (r.integer) value = Math.round(value);
      set[key] = value;
    }
    return set;
  });
}

/** Whether the candidate may be registered, compared with the production model's score. */
export function gateDecision(metric: string, candidate: number, production: number | undefined, maxDegradation: number): { passed: boolean; reason: string } {
  if (production === undefined) return { passed: true, reason: `no production model: registered with ${metric} ${candidate.toFixed(4)}` };
  const limit = lowerIsBetter(metric) ? production + maxDegradation : production - maxDegradation;
  const passed = lowerIsBetter(metric) ? candidate <= limit : candidate >= limit;
  return {
    passed,
    reason: `${metric} ${candidate.toFixed(4)} vs production ${production.toFixed(4)} (allowed ${lowerIsBetter(metric) ? 'up to' : 'down to'} ${limit.toFixed(4)})`,
  };
}

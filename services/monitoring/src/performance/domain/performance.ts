import { type PredictionTask, accuracy, mae, precisionRecallF1, rmse, rocAuc } from '@mlops/ml';

/** A served prediction of a model joined to its late label. */
export interface LabelledPrediction {
  version: number;
  prediction: number;
  /** Positive-class probability of a binary classifier, when the model gives one. */
  score?: number;
  servedAtMs: number;
  label: number;
}

export const PERFORMANCE_METRICS = ['accuracy', 'f1', 'roc_auc', 'rmse', 'mae'] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

export const lowerIsBetter = (metric: string): boolean => metric === 'rmse' || metric === 'mae';

/** The metric judged when the policy names none. */
export const defaultMetric = (task: PredictionTask): PerformanceMetric => (task === 'classification' ? 'accuracy' : 'rmse');

/**
 * Every metric the window supports, computed as the training service computes test metrics
 * (the same libs/ml functions, checked against scikit-learn): accuracy and F1 (binary, positive
 * label the larger class, as training's; macro over more classes), ROC AUC when both classes
 * were seen and every row has a score; RMSE and MAE for regressors. The classes are the model's
 * (`modelClasses`) with any others the window holds, so a window that happens to lack a class
 * is still scored like the test split.
 */
export function windowMetrics(task: PredictionTask, rows: readonly LabelledPrediction[], modelClasses: readonly number[] = []): Record<string, number> {
  if (rows.length === 0) return {};
  const y = rows.map((r) => r.label);
  const predicted = rows.map((r) => r.prediction);
  if (task === 'regression') return { rmse: rmse(y, predicted), mae: mae(y, predicted) };
  const classes = [...new Set([...modelClasses, ...y, ...predicted])].sort((a, b) => a - b);
  const metrics: Record<string, number> = {
    accuracy: accuracy(y, predicted),
    f1: precisionRecallF1(y, predicted, classes.length > 2 ? { average: 'macro' } : { average: 'binary', posLabel: classes[classes.length - 1] }).f1,
  };
  if (new Set(y).size === 2 && classes.length === 2 && rows.every((r) => r.score !== undefined && !Number.isNaN(r.score))) {
    metrics.roc_auc = rocAuc(y, rows.map((r) => r.score!));
  }
  return metrics;
}

export interface DegradationJudgement {
  metric: string;
  baseline?: number;
  current?: number;
  /** Relative change for the worse: positive is worse. Undefined when it cannot be judged. */
  degradation?: number;
  degraded: boolean;
}

/**
 * Compares the window's metric with the version's test metric. Degradation is relative
 * ((baseline − current) / |baseline| for scores, the reverse for errors); a metric missing on
 * either side is not judged (never degraded).
 */
export function judgeDegradation(metric: string, baseline: number | undefined, current: number | undefined, maxDegradation: number): DegradationJudgement {
  if (baseline === undefined || current === undefined || !Number.isFinite(baseline) || !Number.isFinite(current)) return { metric, baseline, current, degraded: false };
  const worse = lowerIsBetter(metric) ? current - baseline : baseline - current;
  const degradation = baseline === 0 ? (worse > 0 ? Number.POSITIVE_INFINITY : 0) : worse / Math.abs(baseline);
  return { metric, baseline, current, degradation, degraded: degradation > maxDegradation };
}

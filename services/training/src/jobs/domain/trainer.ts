import {
  type Matrix, type TrainedModel, accuracy, fitGradientBoostedTrees, fitLinearRegression, fitLogisticRegression, logLoss, mae,
  precisionRecallF1, predictLinear, predictLogisticProba, predictProba, predictValue, r2, rmse, rocAuc,
} from '@mlops/ml';
import type { Algorithm, Problem } from './job-spec';

/** What a model says about rows: class probabilities (rows, in `classes` order) or values. */
export interface Scores {
  probabilities?: Float64Array[];
  values?: Float64Array;
}

export interface TrainInput {
  algorithm: Algorithm;
  problem: Problem;
  featureNames: string[];
  params: Record<string, number>;
  train: { X: Matrix; y: number[] };
  /** Held-out rows scored after each boosting iteration (and stopped on when early_stopping_rounds > 0); none for a refit. */
  validation?: { X: Matrix; y: number[] };
  seed: number;
  /** Threads of a gradient-boosted trees fit (default 1). */
  threads?: number;
  onIteration?: (iteration: number, trainLoss: number, validationLoss?: number) => void;
}

/** Fits one built-in trainer with one set of hyperparameters (see fit-procedure's resolvedParams for the job's defaults). */
export function train(input: TrainInput): TrainedModel {
  const { algorithm, params, train: t, featureNames } = input;
  if (algorithm === 'logistic_regression') return fitLogisticRegression(t.X, t.y, { C: params.C ?? 1, maxIter: params.max_iter, standardize: (params.standardize ?? 1) !== 0, featureNames });
  if (algorithm === 'linear_regression') return fitLinearRegression(t.X, t.y, { alpha: params.alpha ?? 0, featureNames });
  const task = input.problem === 'regression' ? 'regression' : new Set(t.y).size > 2 ? 'multiclass' : 'binary';
  return fitGradientBoostedTrees(t.X, t.y, {
    task,
    featureNames,
    learningRate: params.learning_rate,
    maxIterations: params.max_iterations,
    maxLeafNodes: params.max_leaf_nodes,
    minSamplesLeaf: params.min_samples_leaf,
    l2Regularization: params.l2_regularization,
    maxDepth: params.max_depth,
    validation: input.validation,
    earlyStopping: (params.early_stopping_rounds ?? 10) > 0 ? { rounds: params.early_stopping_rounds ?? 10 } : undefined,
    seed: input.seed,
    threads: input.threads,
    onIteration: input.onIteration,
  });
}

export function score(model: TrainedModel, X: Matrix): Scores {
  switch (model.kind) {
    case 'linear_regression':
      return { values: predictLinear(model, X) };
    case 'logistic_regression':
      return { probabilities: predictLogisticProba(model, X) };
    case 'gradient_boosted_trees': {
      if (model.task === 'regression') return { values: predictValue(model, X) };
      const columns = predictProba(model, X);
      return { probabilities: Array.from({ length: X.rows }, (_, i) => Float64Array.from(columns, (c) => c[i])) };
    }
  }
}

/** Test metrics of scores against labels: accuracy, macro F1, ROC AUC, log loss; or RMSE, MAE, R2. */
export function evaluate(scores: Scores, y: number[], classes: number[]): Record<string, number> {
  if (scores.values) {
    const predicted = Array.from(scores.values);
    return { rmse: rmse(y, predicted), mae: mae(y, predicted), r2: r2(y, predicted) };
  }
  const rows = scores.probabilities!;
  const predicted = rows.map((p) => classes[p.indexOf(Math.max(...p))]);
  const metrics: Record<string, number> = {
    accuracy: accuracy(y, predicted),
    f1: precisionRecallF1(y, predicted, { average: classes.length > 2 ? 'macro' : 'binary', posLabel: classes[classes.length - 1] }).f1,
    log_loss: logLoss(y, rows, { labels: classes }),
  };
  if (new Set(y).size === classes.length) metrics.roc_auc = rocAuc(y, classes.length === 2 ? rows.map((p) => p[1]) : rows);
  return metrics;
}

export function classesOf(model: TrainedModel): number[] {
  return model.kind === 'linear_regression' ? [] : model.classes;
}

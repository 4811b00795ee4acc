import { type Matrix, type TrainedModel, selectRows, selectValues, seededSplit } from '@mlops/ml';
import type { Algorithm, JobSpec } from './job-spec';

/**
 * The steps of a training job that decide which model is registered, without the I/O around
 * them: split the rows, resolve each trial's defaults for the data's size, and the refit on all
 * the rows once the gate has passed. The job pipeline runs them; the trainers bench runs the
 * same functions on public tables beside scikit-learn.
 */
export type Part = { X: Matrix; y: number[] };
export interface Parts { train: Part; validation: Part; test: Part }

/** Rows at which early stopping turns on by default, as sklearn's HistGradientBoosting's 'auto'. */
export const EARLY_STOPPING_MIN_ROWS = 10_000;

export function splitRows(spec: Pick<JobSpec, 'validationFraction' | 'testFraction' | 'seed' | 'problem'>, X: Matrix, y: number[]): Parts {
  const fractions = { train: 1 - spec.validationFraction - spec.testFraction, validation: spec.validationFraction, test: spec.testFraction };
  const split = seededSplit(X.rows, fractions, spec.seed, spec.problem === 'classification' ? { stratified: y } : {});
  const part = (idx: number[]) => ({ X: selectRows(X, idx), y: selectValues(y, idx) });
  return { train: part(split.train), validation: part(split.validation), test: part(split.test) };
}

/**
 * A trial's hyperparameters with the defaults that depend on the data filled in, so that the run
 * records what was used:
 * - logistic regression: `standardize` 1, the penalty on standardized coefficients (scikit-learn's
 *   StandardScaler + LogisticRegression, what its users fit by default); 0 is the raw-scale penalty.
 * - gradient-boosted trees: `early_stopping_rounds` 10 when the training part has more than
 *   10,000 rows, else 0 (off: on small data a few hundred validation rows are too noisy to stop
 *   on, and sklearn's default does the same).
 */
export function resolvedParams(algorithm: Algorithm, params: Record<string, number>, trainRows: number): Record<string, number> {
  if (algorithm === 'logistic_regression') return { standardize: 1, ...params };
  if (algorithm === 'gradient_boosted_trees') return { early_stopping_rounds: trainRows > EARLY_STOPPING_MIN_ROWS ? 10 : 0, ...params };
  return { ...params };
}

/**
 * The hyperparameters of the refit on all rows: the winning trial's, with the number of boosting
 * iterations early stopping chose fixed, since the refit has no held-out rows to stop on.
 */
export function refitParams(algorithm: Algorithm, params: Record<string, number>, model: TrainedModel): Record<string, number> {
  if (algorithm === 'gradient_boosted_trees' && model.kind === 'gradient_boosted_trees') return { ...params, max_iterations: model.trees.length, early_stopping_rounds: 0 };
  return { ...params };
}

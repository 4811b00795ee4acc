import type { TrainedModel } from '@mlops/ml';
import { type TrainInput, train } from './domain/trainer';

export interface FitResult {
  model: TrainedModel;
  /** [iteration, train loss, validation loss] after each boosting iteration (empty for linear models). */
  iterations: Array<[number, number, number | undefined]>;
}

/** One fit on this thread, with its loss curve (what fit.worker.ts runs). */
export function fit(input: Omit<TrainInput, 'onIteration'>): FitResult {
  const iterations: FitResult['iterations'] = [];
  const model = train({ ...input, onIteration: (step, trainLoss, validationLoss) => void iterations.push([step, trainLoss, validationLoss]) });
  return { model, iterations };
}

import type { TrainedModel } from '@mlops/ml';
import { type TrainInput, classesOf, evaluate, score, train } from './domain/trainer';

export interface FitResult {
  model: TrainedModel;
  /** [iteration, train loss, validation loss] after each boosting iteration (empty for linear models). */
  iterations: Array<[number, number, number | undefined]>;
  /** The fit's metrics on the held-out rows it was given (scored in the same thread: thousands of trees take a while). */
  validation?: Record<string, number>;
}

/** One fit on this thread, with its loss curve (what fit.worker.ts runs). */
export function fit(input: Omit<TrainInput, 'onIteration'>): FitResult {
  const iterations: FitResult['iterations'] = [];
  const model = train({ ...input, onIteration: (step, trainLoss, validationLoss) => void iterations.push([step, trainLoss, validationLoss]) });
  const validation = input.validation && evaluate(score(model, input.validation.X), input.validation.y, classesOf(model));
  return { model, iterations, validation };
}

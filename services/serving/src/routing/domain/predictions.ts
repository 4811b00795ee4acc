import type { Task } from '../../deployments/domain/analysis';

/** The prediction a version made for each row of a request: a class label or a value. */
export type RowPredictions = number[];

/** What comparing two versions' predictions on the same rows adds to the window. */
export interface Comparison {
  compared: number;
  divergent: number;
  absDifference: number;
  stableMagnitude: number;
}

export function comparePredictions(candidate: RowPredictions, stable: RowPredictions, task: Task): Comparison {
  const rows = Math.min(candidate.length, stable.length);
  const result: Comparison = { compared: rows, divergent: 0, absDifference: 0, stableMagnitude: 0 };
  for (let i = 0; i < rows; i++) {
    if (task === 'classification') {
      if (candidate[i] !== stable[i]) result.divergent++;
    } else {
      result.absDifference += Math.abs(candidate[i] - stable[i]);
      result.stableMagnitude += Math.abs(stable[i]);
    }
  }
  return result;
}

/** Scores one prediction against its label: classes must match; values add their error. */
export function scoreLabel(prediction: number, label: number, task: Task): { correct: number; absError: number } {
  if (task === 'classification') return { correct: prediction === label ? 1 : 0, absError: 0 };
  return { correct: 0, absError: Math.abs(prediction - label) };
}

import { type Matrix, fromRows } from '@mlops/ml';

/** A snapshot row as the feature store sends it: values by feature order, and a label. */
export interface SnapshotRowValues {
  values: { numberValue?: number; stringValue?: string }[];
  label?: { numberValue?: number; stringValue?: string };
}

export interface TrainingData {
  X: Matrix;
  y: number[];
  featureNames: string[];
  /** Rows skipped for having no label. */
  unlabelled: number;
}

/**
 * The model inputs of a snapshot: numbers only (a categorical feature must be one-hot encoded
 * in the feature view), missing values as NaN (trees route them; linear models refuse them),
 * rows without a label left out.
 */
export function toTrainingData(featureNames: string[], rows: SnapshotRowValues[], allowMissing: boolean): TrainingData {
  const X: number[][] = [];
  const y: number[] = [];
  let unlabelled = 0;
  for (const row of rows) {
    const label = row.label?.numberValue;
    if (label === undefined || label === null) {
      unlabelled++;
      continue;
    }
    X.push(
      featureNames.map((name, j) => {
        const value = row.values[j];
        if (value?.stringValue !== undefined && value.stringValue !== null) {
          throw new TrainingDataError(`feature "${name}" is categorical ("${value.stringValue}"): one-hot encode it in the feature view`);
        }
        const number = value?.numberValue;
        if ((number === undefined || number === null) && !allowMissing) {
          throw new TrainingDataError(`feature "${name}" has missing values: fill them in the feature view, or train gradient-boosted trees (they route missing values)`);
        }
        return number ?? NaN;
      }),
    );
    y.push(label);
  }
  if (y.length < 10) throw new TrainingDataError(`only ${y.length} labelled rows in the snapshot; at least 10 are needed`);
  return { X: fromRows(X), y, featureNames, unlabelled };
}

export class TrainingDataError extends Error {
  override readonly name = 'TrainingDataError';
}

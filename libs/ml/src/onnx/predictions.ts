// Which output of a model is its prediction, and the prediction of each row: serving compares
// versions and scores labels with it, monitoring watches its drift. One definition for both.

export type PredictionTask = 'classification' | 'regression';

/** An output as onnxruntime returns it. */
export interface OutputTensor {
  dims: readonly number[];
  data: ArrayLike<unknown>;
}

/** The first integer output (a classifier's label), else the first float output (a regressor's value). */
export function predictionOutput(outputs: readonly { name: string; datatype: string }[]): { name: string; task: PredictionTask } | undefined {
  const label = outputs.find((o) => o.datatype === 'INT64' || o.datatype === 'INT32');
  if (label) return { name: label.name, task: 'classification' };
  const value = outputs.find((o) => o.datatype === 'FP32' || o.datatype === 'FP64');
  return value && { name: value.name, task: 'regression' };
}

/** The first value of each row (rows = the output's first dimension); empty when the output
 * does not split into rows. */
export function rowPredictions(output: OutputTensor | undefined): number[] {
  const data = output?.data;
  if (!output || !data) return [];
  const rows = output.dims.length ? Number(output.dims[0]) : data.length;
  if (!(rows > 0) || data.length % rows !== 0) return [];
  const perRow = data.length / rows;
  return Array.from({ length: rows }, (_, i) => Number(data[i * perRow]));
}

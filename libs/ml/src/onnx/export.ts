// Exports the platform's trained models as ONNX graphs that onnxruntime (or any ONNX runtime)
// scores with the same results as our TypeScript scorers. Graphs use plain ai.onnx operators
// wherever possible, and ai.onnx.ml only for the tree ensemble, because those are the operators
// every runtime implements identically.
import { onnx } from 'onnx-proto';
import type {
  GradientBoostedTreesModel,
  LinearRegressionModel,
  LogisticRegressionModel,
  TrainedModel,
} from '../models';
import {
  addFloatInitializer,
  addInt64Initializer,
  addNode,
  DataType,
  ML_DOMAIN,
  newGraphParts,
  tensorValueInfo,
  type GraphParts,
} from './proto';
import { addTreeEnsemble } from './trees';

export const ONNX_INPUT = 'input';
export const ONNX_REGRESSION_OUTPUT = 'variable';
export const ONNX_LABEL_OUTPUT = 'label';
export const ONNX_PROBABILITIES_OUTPUT = 'probabilities';
/** metadata_props key holding the feature names, in input-column order, as a JSON array. */
export const FEATURE_NAMES_METADATA_KEY = 'feature_names';

const IR_VERSION = 8;
const OPSETS = [
  { domain: '', version: 17 },
  { domain: ML_DOMAIN, version: 3 },
];
const BATCH = 'N';

/**
 * Serializes `model` as an ONNX ModelProto with one float32 input "input" [N, features] and:
 * regressors: "variable" float32 [N, 1]; classifiers: "label" int64 [N] (the original class
 * values) and "probabilities" float32 [N, classes].
 *
 * Class values must be integers, since the label output is int64 (the platform's classifiers are
 * trained on integer-coded labels); anything else is rejected rather than silently truncated.
 */
export function exportOnnx(model: TrainedModel): Uint8Array {
  const featureCount = model.featureNames.length;
  if (featureCount === 0) throw new Error(`${model.kind}: a model without features cannot be exported`);
  const parts = newGraphParts();
  const outputs = buildGraph(parts, model);
  const graph: onnx.IGraphProto = {
    name: `mlops_${model.kind}`,
    node: parts.nodes,
    initializer: parts.initializers,
    input: [tensorValueInfo(ONNX_INPUT, DataType.FLOAT, [BATCH, featureCount])],
    output: outputs,
  };
  const proto: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: OPSETS,
    producerName: 'mlops-platform',
    docString: describe(model),
    graph,
    metadataProps: Object.entries(metadata(model)).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(proto).finish();
}

function buildGraph(parts: GraphParts, model: TrainedModel): onnx.IValueInfoProto[] {
  switch (model.kind) {
    case 'linear_regression':
      return buildLinearRegression(parts, model);
    case 'logistic_regression':
      return buildLogisticRegression(parts, model);
    case 'gradient_boosted_trees':
      return buildTrees(parts, model);
  }
}

function describe(model: TrainedModel): string {
  const task = model.kind === 'gradient_boosted_trees' ? ` (${model.task})` : '';
  return `${model.kind}${task} over ${model.featureNames.length} features, exported by mlops-platform`;
}

function metadata(model: TrainedModel): Record<string, string> {
  const entries: Record<string, string> = {
    [FEATURE_NAMES_METADATA_KEY]: JSON.stringify(model.featureNames),
    model_kind: model.kind,
  };
  if (model.kind === 'gradient_boosted_trees') entries.task = model.task;
  if (model.kind !== 'linear_regression') entries.classes = JSON.stringify(model.classes);
  return entries;
}

function regressionOutput(): onnx.IValueInfoProto[] {
  return [tensorValueInfo(ONNX_REGRESSION_OUTPUT, DataType.FLOAT, [BATCH, 1])];
}

function buildLinearRegression(parts: GraphParts, model: LinearRegressionModel): onnx.IValueInfoProto[] {
  const featureCount = model.featureNames.length;
  if (model.coef.length !== featureCount) {
    throw new Error(`linear_regression: ${model.coef.length} coefficients for ${featureCount} features`);
  }
  addFloatInitializer(parts, 'coefficients', [featureCount, 1], model.coef);
  addFloatInitializer(parts, 'intercept', [1], [model.intercept]);
  addNode(parts, 'MatMul', [ONNX_INPUT, 'coefficients'], ['weighted_sum']);
  addNode(parts, 'Add', ['weighted_sum', 'intercept'], [ONNX_REGRESSION_OUTPUT]);
  return regressionOutput();
}

function buildLogisticRegression(parts: GraphParts, model: LogisticRegressionModel): onnx.IValueInfoProto[] {
  const featureCount = model.featureNames.length;
  const scores = model.coef.length;
  assertScoreCount('logistic_regression', scores, model.classes);
  if (model.intercept.length !== scores) {
    throw new Error(`logistic_regression: ${model.intercept.length} intercepts for ${scores} coefficient rows`);
  }
  // MatMul wants [features, scores]; the model stores one row of coefficients per score.
  const weights: number[] = [];
  for (let f = 0; f < featureCount; f++) {
    for (const [k, row] of model.coef.entries()) {
      if (row.length !== featureCount) {
        throw new Error(`logistic_regression: coefficient row ${k} has ${row.length} values for ${featureCount} features`);
      }
      weights.push(row[f]);
    }
  }
  addFloatInitializer(parts, 'coefficients', [featureCount, scores], weights);
  addFloatInitializer(parts, 'intercepts', [scores], model.intercept);
  addNode(parts, 'MatMul', [ONNX_INPUT, 'coefficients'], ['weighted_sums']);
  addNode(parts, 'Add', ['weighted_sums', 'intercepts'], ['raw_scores']);
  return addClassifierHead(parts, 'raw_scores', scores, model.classes);
}

function buildTrees(parts: GraphParts, model: GradientBoostedTreesModel): onnx.IValueInfoProto[] {
  if (model.task === 'regression') {
    if (model.baseScore.length !== 1) {
      throw new Error(`gradient_boosted_trees: regression needs 1 base score, got ${model.baseScore.length}`);
    }
    addTreeEnsemble(parts, model, ONNX_INPUT, ONNX_REGRESSION_OUTPUT);
    return regressionOutput();
  }
  assertScoreCount(`gradient_boosted_trees (${model.task})`, model.baseScore.length, model.classes);
  // The task, not the class count, says which link function the trainer used.
  if ((model.task === 'binary') !== (model.baseScore.length === 1)) {
    throw new Error(`gradient_boosted_trees: task ${model.task} with ${model.baseScore.length} outputs`);
  }
  addTreeEnsemble(parts, model, ONNX_INPUT, 'raw_scores');
  return addClassifierHead(parts, 'raw_scores', model.baseScore.length, model.classes);
}

/** Binary classifiers have one score (the log-odds of classes[1]); others one score per class. */
function assertScoreCount(what: string, scores: number, classes: number[]): void {
  const binary = classes.length === 2 && scores === 1;
  if (!binary && (classes.length < 2 || scores !== classes.length)) {
    throw new Error(`${what}: ${scores} scores for ${classes.length} classes`);
  }
  for (const value of classes) {
    if (!Number.isSafeInteger(value)) throw new Error(`${what}: class ${value} is not an integer (label output is int64)`);
  }
}

/**
 * raw scores [N, K] → "probabilities" [N, C] and "label" [N]. With K = 1 (binary) the score is
 * the log-odds of classes[1], so probabilities are [1 - p, p]; otherwise softmax over classes.
 * The label is the class with the highest probability (the first one on ties, like argmax).
 */
function addClassifierHead(parts: GraphParts, raw: string, scores: number, classes: number[]): onnx.IValueInfoProto[] {
  if (scores === 1) {
    addNode(parts, 'Sigmoid', [raw], ['positive_probability']);
    addFloatInitializer(parts, 'one', [1], [1]);
    addNode(parts, 'Sub', ['one', 'positive_probability'], ['negative_probability']);
    addNode(parts, 'Concat', ['negative_probability', 'positive_probability'], [ONNX_PROBABILITIES_OUTPUT], {
      axis: { int: 1 },
    });
  } else {
    addNode(parts, 'Softmax', [raw], [ONNX_PROBABILITIES_OUTPUT], { axis: { int: 1 } });
  }
  addNode(parts, 'ArgMax', [ONNX_PROBABILITIES_OUTPUT], ['class_index'], { axis: { int: 1 }, keepdims: { int: 0 } });
  addInt64Initializer(parts, 'classes', [classes.length], classes);
  addNode(parts, 'Gather', ['classes', 'class_index'], [ONNX_LABEL_OUTPUT], { axis: { int: 0 } });
  return [
    tensorValueInfo(ONNX_LABEL_OUTPUT, DataType.INT64, [BATCH]),
    tensorValueInfo(ONNX_PROBABILITIES_OUTPUT, DataType.FLOAT, [BATCH, classes.length]),
  ];
}

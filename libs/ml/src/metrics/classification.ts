// Classification metrics, defined to give scikit-learn's numbers (the version named in
// fixtures/metrics.fixtures.json), so a model's metrics read the same in the platform as in a
// notebook. Labels are numbers; "positive" in binary metrics follows sklearn (see each function).

import { neumaierSum } from '../moments';
import { checkPaired, labelIndices, sortedLabels } from './validate';

/** Rows of class probabilities (or scores), one row per sample, columns in class order. */
export type ScoreRows = ReadonlyArray<ArrayLike<number>>;

/** Fraction of exact matches. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

export interface ConfusionMatrix {
  /** Row and column order: `labels` if given, else the distinct values of both inputs, ascending. */
  labels: number[];
  /** matrix[t][p] = samples of true label t predicted as p. */
  matrix: number[][];
}

/** Like sklearn's confusion_matrix: samples whose true or predicted label is not in `labels` are left out. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: readonly number[]): ConfusionMatrix {
  checkPaired('confusionMatrix', yTrue, yPred);
  const order = labels ? [...labels] : sortedLabels(yTrue, yPred);
  const index = new Map(order.map((label, i) => [label, i]));
  const matrix = order.map(() => order.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]);
    const p = index.get(yPred[i]);
    if (t !== undefined && p !== undefined) matrix[t][p]++;
  }
  return { labels: order, matrix };
}

/** binary: the positive label only; macro: unweighted mean over labels; weighted: mean weighted by support. */
export type Average = 'binary' | 'macro' | 'weighted';

export interface PrecisionRecallF1Options {
  /** Default 'binary', which (like sklearn) refuses more than two distinct labels. */
  average?: Average;
  /** The positive label for average 'binary'; default 1. */
  posLabel?: number;
}

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision, recall and F1 as sklearn's precision_recall_fscore_support with zero_division
 * at its default: a 0/0 ratio counts as 0 (sklearn also warns). Macro and weighted F1 average
 * the per-label F1s, not the F1 of the averaged precision and recall. Labels: the distinct
 * values of both inputs.
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: PrecisionRecallF1Options = {},
): PrecisionRecallF1 {
  const { average = 'binary', posLabel = 1 } = options;
  const { labels, matrix } = confusionMatrix(yTrue, yPred);
  const perLabel = labels.map((_, k) => labelScores(matrix, k));
  if (average === 'binary') {
    if (labels.length > 2) {
      throw new RangeError(`precisionRecallF1: ${labels.length} labels; average 'binary' needs at most 2 (use 'macro' or 'weighted')`);
    }
    const k = labels.indexOf(posLabel);
    if (k < 0 && labels.length === 2) throw new RangeError(`precisionRecallF1: posLabel ${posLabel} is not among [${labels.join(', ')}]`);
    return k < 0 ? { precision: 0, recall: 0, f1: 0 } : perLabel[k];
  }
  const weights = average === 'weighted' ? perLabel.map((s) => s.support) : perLabel.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = (key: keyof PrecisionRecallF1) => (total === 0 ? 0 : perLabel.reduce((acc, s, k) => acc + s[key] * weights[k], 0) / total);
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}

function labelScores(matrix: number[][], k: number): PrecisionRecallF1 & { support: number } {
  const tp = matrix[k][k];
  const predicted = matrix.reduce((sum, row) => sum + row[k], 0);
  const support = matrix[k].reduce((a, b) => a + b, 0);
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = support === 0 ? 0 : tp / support;
  // sklearn's formula (not 2tp / (2tp + fp + fn)), so results agree to the last bits.
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support };
}

/**
 * Area under the ROC curve, as sklearn's roc_auc_score.
 * Binary (two distinct labels in yTrue): the score of the greater label, either as one number per
 * sample or as probability rows (column 1 is used; sklearn accepts only the former).
 * Multiclass: probability rows with one column per distinct yTrue label, ascending, scored
 * one-vs-rest and macro-averaged (multi_class='ovr', average='macro'); unlike sklearn, rows need
 * not sum to 1, as only the ranking within each column matters.
 * Tied scores form one threshold, so ties add a trapezoid rather than a step (sklearn's rule).
 */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number> | ScoreRows): number {
  checkPaired('rocAuc', yTrue, yScore);
  const labels = sortedLabels(yTrue);
  if (labels.length < 2) throw new RangeError(`rocAuc: only one class (${labels[0]}) in yTrue; ROC AUC is undefined`);
  const classOf = labelIndices('rocAuc', yTrue, labels);
  const rows = isScoreRows(yScore) ? yScore : undefined;
  if (labels.length === 2) {
    const scores = rows ? Float64Array.from(rows, (row) => row[1]) : (yScore as ArrayLike<number>);
    return binaryAuc(Uint8Array.from(classOf), scores);
  }
  if (!rows || rows.some((row) => row.length !== labels.length)) {
    throw new RangeError(`rocAuc: ${labels.length} classes in yTrue need score rows of ${labels.length} columns`);
  }
  let sum = 0;
  for (let k = 0; k < labels.length; k++) {
    const positive = Uint8Array.from(classOf, (c) => (c === k ? 1 : 0));
    sum += binaryAuc(positive, Float64Array.from(rows, (row) => row[k]));
  }
  return sum / labels.length;
}

function isScoreRows(scores: ArrayLike<number> | ScoreRows): scores is ScoreRows {
  return scores.length > 0 && typeof scores[0] !== 'number';
}

/** Counts are exact integers until the single final division, so ties cost no accuracy. */
function binaryAuc(positive: Uint8Array, scores: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  for (const i of order) if (Number.isNaN(scores[i])) throw new RangeError(`rocAuc: score ${i} is NaN`);
  order.sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  let twiceArea = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let dtp = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) dtp += positive[order[end++]];
    const dfp = end - start - dtp;
    twiceArea += dfp * (2 * tp + dtp);
    tp += dtp;
    fp += dfp;
    start = end;
  }
  return twiceArea / (2 * tp * fp);
}

/** Probability clipping of sklearn 1.2's log_loss (eps='auto' = float64 machine epsilon). */
export const LOG_LOSS_EPS = Number.EPSILON;

export interface LogLossOptions {
  /** Class order of the probability columns; default the distinct yTrue values, ascending. */
  labels?: readonly number[];
}

/**
 * Mean cross-entropy, as sklearn 1.2's log_loss: probabilities are clipped to
 * [eps, 1 - eps] and each row is then divided by its sum. yProb is one probability per sample
 * (of the greater of two labels) or probability rows. A yTrue value outside the labels is a
 * RangeError (sklearn would silently score that row 0).
 */
export function logLoss(yTrue: ArrayLike<number>, yProb: ArrayLike<number> | ScoreRows, options: LogLossOptions = {}): number {
  checkPaired('logLoss', yTrue, yProb);
  const labels = options.labels ? [...options.labels] : sortedLabels(yTrue);
  if (labels.length < 2) throw new RangeError(`logLoss: needs at least two labels, got [${labels.join(', ')}]; pass options.labels`);
  const classOf = labelIndices('logLoss', yTrue, labels);
  const clip = (p: number) => Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  const losses = Float64Array.from(classOf, (k, i) => {
    const row = isScoreRows(yProb) ? Array.from(yProb[i], clip) : twoColumns(clip(yProb[i]));
    if (row.length !== labels.length) throw new RangeError(`logLoss: row ${i} has ${row.length} probabilities for ${labels.length} labels`);
    const sum = row.reduce((a, b) => a + b, 0);
    return -Math.log(row[k] / sum);
  });
  return neumaierSum(losses) / losses.length;
}

/** sklearn clips a 1-D probability before completing it, so the pair can sum to 1 ± an ulp. */
function twoColumns(p: number): number[] {
  return [1 - p, p];
}

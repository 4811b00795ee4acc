import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracy, confusionMatrix, logLoss, precisionRecallF1, rocAuc, type PrecisionRecallF1 } from './classification';

// Known answers from scikit-learn; regenerate with `/usr/bin/python3 scripts/fixtures/linear_fixtures.py`.
interface ClassificationCase {
  name: string;
  kind: 'binary' | 'multiclass';
  yTrue: number[];
  yPred: number[];
  yScore: number[] | number[][];
  expected: {
    accuracy: number;
    confusionMatrix: { labels: number[]; matrix: number[][] };
    binary?: PrecisionRecallF1;
    macro: PrecisionRecallF1;
    weighted: PrecisionRecallF1;
    rocAuc: number;
    logLoss: number;
  };
}

const fixtures: { sklearn: string; classification: ClassificationCase[] } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/metrics.fixtures.json'), 'utf8'),
);

const TOL = 1e-12;

function expectClose(actual: number, expected: number, tol = TOL): void {
  if (!(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`expected ${actual} to be within ${tol} (relative) of ${expected}`);
  }
}

describe(`classification metrics match scikit-learn ${fixtures.sklearn}`, () => {
  it.each(fixtures.classification.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const e = c.expected;
    expectClose(accuracy(c.yTrue, c.yPred), e.accuracy);
    expect(confusionMatrix(c.yTrue, c.yPred)).toEqual(e.confusionMatrix);
    for (const average of ['binary', 'macro', 'weighted'] as const) {
      const want = e[average];
      if (!want) continue;
      const got = precisionRecallF1(c.yTrue, c.yPred, { average });
      for (const key of ['precision', 'recall', 'f1'] as const) expectClose(got[key], want[key]);
    }
    expectClose(rocAuc(c.yTrue, c.yScore), e.rocAuc);
    expectClose(logLoss(c.yTrue, c.yScore), e.logLoss);
  });
});

describe('classification metrics, edge cases', () => {
  it('rejects mismatched and empty inputs with RangeError', () => {
    expect(() => accuracy([1, 0], [1])).toThrow(RangeError);
    expect(() => accuracy([], [])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [0.5])).toThrow(RangeError);
    expect(() => logLoss([], [])).toThrow(RangeError);
    expect(() => precisionRecallF1([1], [1, 0])).toThrow(RangeError);
  });

  it('rejects undefined or ambiguous requests', () => {
    expect(() => rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toThrow(/only one class/);
    expect(() => rocAuc([0, 1, 2], [0.2, 0.4, 0.9])).toThrow(/3 columns/);
    expect(() => precisionRecallF1([0, 1, 2], [0, 1, 2])).toThrow(/binary/);
    expect(() => precisionRecallF1([2, 3], [3, 2], { posLabel: 1 })).toThrow(/posLabel/);
    expect(() => logLoss([0, 0], [0.1, 0.2])).toThrow(/two labels/);
    expect(() => logLoss([0, 5], [[0.5, 0.5], [0.5, 0.5]], { labels: [0, 1] })).toThrow(/label 5/);
  });

  it('takes probability rows for binary ROC AUC (column 1) as well as one score per sample', () => {
    const yTrue = [0, 0, 1, 1, 0, 1];
    const p = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9];
    expect(rocAuc(yTrue, p.map((q) => [1 - q, q]))).toBe(rocAuc(yTrue, p));
  });

  it('counts tied scores as half, perfect ranking as 1 and reversed as 0', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 0, 1], [0.1, 0.2, 0.3])).toBe(1);
    expect(rocAuc([0, 0, 1], [0.3, 0.2, 0.1])).toBe(0);
  });

  it('clips certain wrong probabilities instead of returning Infinity', () => {
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
  });

  it('lets confusionMatrix fix the label order and leave other labels out', () => {
    expect(confusionMatrix([1, 2, 3, 2], [2, 2, 3, 9], [3, 2])).toEqual({ labels: [3, 2], matrix: [[1, 0], [0, 1]] });
  });
});

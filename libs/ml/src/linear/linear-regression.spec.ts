import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows, selectRows, selectValues } from '../data/matrix';
import type { Matrix } from '../models';
import { mae, r2, rmse } from '../metrics/regression';
import { fitLinearRegression, predictLinear } from './linear-regression';

// Known answers from scikit-learn's LinearRegression and Ridge(alpha=1);
// regenerate with `/usr/bin/python3 scripts/fixtures/linear_fixtures.py`.
interface Fit {
  coef: number[];
  intercept: number;
  testPred: number[];
  test: { rmse: number; mae: number; r2: number };
}
interface LinearCase {
  dataset: string;
  train: number[];
  test: number[];
  ols: Fit;
  ridge: Fit & { alpha: number };
}

const FIXTURES = join(__dirname, '../fixtures');
const fixtures: { sklearn: string; linear: LinearCase[] } = JSON.parse(readFileSync(join(FIXTURES, 'linear.fixtures.json'), 'utf8'));

function load(name: string): { X: Matrix; y: number[]; featureNames: string[] } {
  const data: { feature_names: string[]; X: number[][]; y: number[] } = JSON.parse(
    readFileSync(join(FIXTURES, 'datasets', `${name}.json`), 'utf8'),
  );
  return { X: fromRows(data.X), y: data.y, featureNames: data.feature_names };
}

/** max |a - b| / max |b|: relative to the vector's scale, so near-zero entries do not dominate. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe(`fitLinearRegression matches scikit-learn ${fixtures.sklearn}`, () => {
  const cases = fixtures.linear.flatMap((c) => [
    [`${c.dataset} LinearRegression`, c, c.ols, 0] as const,
    [`${c.dataset} Ridge(alpha=${c.ridge.alpha})`, c, c.ridge, c.ridge.alpha] as const,
  ]);
  it.each(cases)('%s', (_name, c, want, alpha) => {
    const { X, y, featureNames } = load(c.dataset);
    const model = fitLinearRegression(selectRows(X, c.train), selectValues(y, c.train), { alpha, featureNames });
    expect(model.kind).toBe('linear_regression');
    expect(model.featureNames).toEqual(featureNames);
    expect(relativeError(model.coef, want.coef)).toBeLessThan(1e-8);
    expect(Math.abs(model.intercept - want.intercept) / Math.abs(want.intercept)).toBeLessThan(1e-8);
    const pred = predictLinear(model, selectRows(X, c.test));
    expect(relativeError(pred, want.testPred)).toBeLessThan(1e-8);
    const yTest = selectValues(y, c.test);
    expect(rmse(yTest, pred)).toBeCloseTo(want.test.rmse, 6);
    expect(mae(yTest, pred)).toBeCloseTo(want.test.mae, 6);
    expect(r2(yTest, pred)).toBeCloseTo(want.test.r2, 9);
  });
});

describe('fitLinearRegression', () => {
  const featureNames = ['a', 'b'];

  it('recovers an exact linear relation and gives a constant column coefficient 0', () => {
    const X = fromRows([[1, 5], [2, 5], [3, 5], [4, 5]]);
    const model = fitLinearRegression(X, [3, 5, 7, 9], { featureNames });
    expect(model.coef[0]).toBeCloseTo(2, 12);
    expect(model.coef[1]).toBe(0);
    expect(model.intercept).toBeCloseTo(1, 12);
  });

  it('refuses collinear features without a penalty, and solves them with one', () => {
    const X = fromRows([[1, 2], [2, 4], [3, 6], [5, 10]]);
    expect(() => fitLinearRegression(X, [1, 2, 3, 4], { featureNames })).toThrow(/singular/);
    expect(fitLinearRegression(X, [1, 2, 3, 4], { featureNames, alpha: 0.1 }).coef.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad inputs with RangeError', () => {
    const X = fromRows([[1, 2], [2, 3]]);
    expect(() => fitLinearRegression(X, [1], { featureNames })).toThrow(RangeError);
    expect(() => fitLinearRegression(X, [1, 2], { featureNames: ['a'] })).toThrow(RangeError);
    expect(() => fitLinearRegression(X, [1, 2], { featureNames, alpha: -1 })).toThrow(RangeError);
    expect(() => fitLinearRegression(X, [1, NaN], { featureNames })).toThrow(RangeError);
    expect(() => predictLinear({ kind: 'linear_regression', featureNames: ['a'], coef: [1], intercept: 0 }, X)).toThrow(RangeError);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows, selectRows, selectValues } from '../data/matrix';
import { accuracy } from '../metrics/classification';
import type { LogisticRegressionModel, Matrix } from '../models';
import { fitLogisticRegression, fitLogisticRegressionWithInfo, predictLogisticClass, predictLogisticProba } from './logistic-regression';

// Known answers from scikit-learn's LogisticRegression(C=1): "sklearn" is its lbfgs fit, which
// stops short of the optimum on these unscaled features, "reference" the exact minimizer of the
// same objective (see scripts/fixtures/linear_fixtures.py; regenerate with
// `/usr/bin/python3 scripts/fixtures/linear_fixtures.py`).
interface Fit {
  objective: number;
  gradientMax: number;
  coef: number[][];
  intercept: number[];
  testProba: number[][];
  testPred: number[];
  test: { accuracy: number };
}
interface LogisticCase {
  dataset: string;
  classes: number[];
  train: number[];
  test: number[];
  sklearn: Fit;
  reference: Fit;
}

const FIXTURES = join(__dirname, '../fixtures');
const fixtures: { sklearn: string; logisticParams: { C: number }; logistic: LogisticCase[] } = JSON.parse(
  readFileSync(join(FIXTURES, 'linear.fixtures.json'), 'utf8'),
);

function load(name: string): { X: Matrix; y: number[]; featureNames: string[] } {
  const data: { feature_names: string[]; X: number[][]; y: number[] } = JSON.parse(
    readFileSync(join(FIXTURES, 'datasets', `${name}.json`), 'utf8'),
  );
  return { X: fromRows(data.X), y: data.y, featureNames: data.feature_names };
}

/** max |a - b| / max |b| over all entries. */
function relativeError(actual: number[][], expected: number[][]): number {
  const a = actual.flat();
  const e = expected.flat();
  return Math.max(...a.map((v, i) => Math.abs(v - e[i]))) / Math.max(...e.map(Math.abs));
}

/** sklearn's objective on raw features: Σ −log p(yᵢ) + ‖coef‖² / (2C). */
function objective(model: LogisticRegressionModel, X: Matrix, y: number[], C: number): number {
  const proba = predictLogisticProba(model, X);
  const nll = proba.reduce((acc, row, i) => acc - Math.log(row[model.classes.indexOf(y[i])]), 0);
  return nll + model.coef.flat().reduce((acc, w) => acc + w * w, 0) / (2 * C);
}

describe(`fitLogisticRegression reaches scikit-learn ${fixtures.sklearn}'s optimum`, () => {
  const C = fixtures.logisticParams.C;
  it.each(fixtures.logistic.map((c) => [c.dataset, c] as const))('%s', (_name, c) => {
    const { X, y, featureNames } = load(c.dataset);
    const [Xtrain, ytrain] = [selectRows(X, c.train), selectValues(y, c.train)];
    const { model, info } = fitLogisticRegressionWithInfo(Xtrain, ytrain, { C, featureNames });
    expect(info.converged).toBe(true);
    expect(model.classes).toEqual(c.classes);
    expect(model.coef).toHaveLength(c.classes.length === 2 ? 1 : c.classes.length);
    expect(relativeError(model.coef, c.reference.coef)).toBeLessThan(1e-8);
    expect(relativeError([model.intercept], [c.reference.intercept])).toBeLessThan(1e-8);

    const Xtest = selectRows(X, c.test);
    const proba = predictLogisticProba(model, Xtest).map((row) => Array.from(row));
    expect(Math.max(...proba.flat().map((p, i) => Math.abs(p - c.reference.testProba.flat()[i])))).toBeLessThan(1e-9);
    expect(predictLogisticClass(model, Xtest)).toEqual(c.reference.testPred);
    expect(accuracy(selectValues(y, c.test), predictLogisticClass(model, Xtest))).toBe(c.reference.test.accuracy);

    // lbfgs stopped early, so the same objective must come out lower (or equal) here.
    const value = objective(model, Xtrain, ytrain, C);
    expect(Math.abs(value - c.reference.objective) / c.reference.objective).toBeLessThan(1e-10);
    expect(value).toBeLessThanOrEqual(c.sklearn.objective * (1 + 1e-12));
  });
});

// make_pipeline(StandardScaler(), LogisticRegression(C=1)) folded back onto the raw features
// (scripts/fixtures/logistic_pipeline_fixtures.py).
const pipeline: { sklearn: string; cases: { dataset: string; train: number[]; test: number[]; coef: number[][]; intercept: number[]; testProba: number[][]; testAccuracy: number }[] } = JSON.parse(
  readFileSync(join(FIXTURES, 'logistic-pipeline.fixtures.json'), 'utf8'),
);

describe(`fitLogisticRegression with standardize reaches scikit-learn ${pipeline.sklearn}'s StandardScaler + LogisticRegression`, () => {
  it.each(pipeline.cases.map((c) => [c.dataset, c] as const))('%s', (_name, c) => {
    const { X, y, featureNames } = load(c.dataset);
    const { model, info } = fitLogisticRegressionWithInfo(selectRows(X, c.train), selectValues(y, c.train), { C: 1, featureNames, standardize: true });
    expect(info.converged).toBe(true);
    expect(relativeError(model.coef, c.coef)).toBeLessThan(1e-6);
    expect(relativeError([model.intercept], [c.intercept])).toBeLessThan(1e-6);
    const proba = predictLogisticProba(model, selectRows(X, c.test)).map((row) => Array.from(row));
    expect(Math.max(...proba.flat().map((p, i) => Math.abs(p - c.testProba.flat()[i])))).toBeLessThan(1e-6);
    expect(accuracy(selectValues(y, c.test), predictLogisticClass(model, selectRows(X, c.test)))).toBe(c.testAccuracy);
  });

  it('differs from the raw-feature penalty when the features differ in scale', () => {
    const { X, y, featureNames } = load('breast_cancer');
    const raw = fitLogisticRegression(X, y, { featureNames });
    const scaled = fitLogisticRegression(X, y, { featureNames, standardize: true });
    expect(relativeError(raw.coef, scaled.coef)).toBeGreaterThan(0.01);
  });
});

describe('fitLogisticRegression', () => {
  const featureNames = ['a', 'b'];
  const X = fromRows([[0, 1], [1, 3], [2, 2], [3, 5], [4, 4], [5, 6], [6, 5], [7, 8]]);

  it('keeps arbitrary label values, in ascending order', () => {
    const model = fitLogisticRegression(X, [7, 7, -3, 7, -3, -3, 7, -3], { featureNames });
    expect(model.classes).toEqual([-3, 7]);
    const proba = predictLogisticProba(model, X);
    proba.forEach((row) => expect(row[0] + row[1]).toBeCloseTo(1, 14));
    expect(predictLogisticClass(model, X).every((c) => c === -3 || c === 7)).toBe(true);
  });

  it('stays finite on separable data (the penalty bounds the coefficients)', () => {
    const { model, info } = fitLogisticRegressionWithInfo(X, [0, 0, 0, 0, 1, 1, 1, 1], { featureNames, C: 1e4 });
    expect(info.converged).toBe(true);
    expect(model.coef.flat().every(Number.isFinite)).toBe(true);
    expect(predictLogisticClass(model, X)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('gives a constant column coefficient 0 and multinomial intercepts summing to 0', () => {
    const Xc = fromRows([[0, 3], [1, 3], [2, 3], [3, 3], [4, 3], [5, 3]]);
    const model = fitLogisticRegression(Xc, [0, 1, 2, 0, 1, 2], { featureNames });
    expect(model.coef.map((row) => row[1])).toEqual([0, 0, 0]);
    expect(Math.abs(model.intercept.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
  });

  it('rejects bad inputs with RangeError', () => {
    expect(() => fitLogisticRegression(X, [1, 1, 1, 1, 1, 1, 1, 1], { featureNames })).toThrow(/single class/);
    expect(() => fitLogisticRegression(X, [0, 1], { featureNames })).toThrow(RangeError);
    expect(() => fitLogisticRegression(X, [0, 1, 0, 1, 0, 1, 0, 1], { featureNames: ['a'] })).toThrow(RangeError);
    expect(() => fitLogisticRegression(X, [0, 1, 0, 1, 0, 1, 0, 1], { featureNames, C: 0 })).toThrow(RangeError);
    expect(() => fitLogisticRegression(X, [0, 1, 0, 1, 0, 1, 0, NaN], { featureNames })).toThrow(RangeError);
    const model = fitLogisticRegression(X, [0, 1, 0, 1, 0, 1, 0, 1], { featureNames });
    expect(() => predictLogisticProba(model, fromRows([[1]]))).toThrow(RangeError);
  });
});

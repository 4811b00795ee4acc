import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mae, r2, rmse } from './regression';

// Known answers from scikit-learn; regenerate with `/usr/bin/python3 scripts/fixtures/linear_fixtures.py`.
interface RegressionCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  expected: { rmse: number; mae: number; r2: number };
}

const fixtures: { sklearn: string; regression: RegressionCase[] } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/metrics.fixtures.json'), 'utf8'),
);

function expectClose(actual: number, expected: number, tol = 1e-12): void {
  if (!(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`expected ${actual} to be within ${tol} (relative) of ${expected}`);
  }
}

describe(`regression metrics match scikit-learn ${fixtures.sklearn}`, () => {
  it.each(fixtures.regression.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectClose(rmse(c.yTrue, c.yPred), c.expected.rmse);
    expectClose(mae(c.yTrue, c.yPred), c.expected.mae);
    expectClose(r2(c.yTrue, c.yPred), c.expected.r2);
  });

  it('rejects mismatched and empty inputs with RangeError', () => {
    expect(() => rmse([1, 2], [1])).toThrow(RangeError);
    expect(() => mae([], [])).toThrow(RangeError);
    expect(() => r2([1], [])).toThrow(RangeError);
  });
});

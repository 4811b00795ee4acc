import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ks2Sample, kolmogorovSf } from './ks';
import { DEFAULT_THRESHOLDS, datasetDrift, defaultDriftTest, featureDrift } from './select';
import { chiSquaredSf, logGamma, normalCdf } from './special';
import { type Sample, categoricalSample, chiSquareTest, jensenShannonDistance, normalizedWasserstein, numericSample, populationStabilityIndex, twoProportionZTest } from './tests';

interface Case {
  name: string;
  kind: 'numeric' | 'categorical';
  reference: (number | string)[];
  current: (number | string)[];
  ks?: { statistic: number; pValue: number };
  wasserstein?: number;
  chisquare?: { statistic: number | string; pValue: number };
  z?: { statistic: number; pValue: number };
  jensenshannon: number;
  psi: number;
}

interface Fixtures {
  generator: string;
  cases: Case[];
  special: { chi2_sf: { x: number; df: number; sf: number }[]; norm_cdf: { x: number; cdf: number }[]; lgamma: { x: number; value: number }[] };
}
const fixtures: Fixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/drift.fixtures.json'), 'utf8'));
const cases = fixtures.cases;
const value = (v: number | string) => (v === 'Infinity' ? Infinity : (v as number));
const sample = (kind: Case['kind'], values: (number | string)[]): Sample => (kind === 'numeric' ? numericSample(values as number[]) : categoricalSample(values as string[]));
/** Equal to `expected` within `rel` relative (or `abs` absolute, for values near 0). */
function close(actual: number, expected: number, rel = 1e-9, abs = 1e-13): void {
  if (expected === Infinity) return void expect(actual).toBe(Infinity);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(expected)));
}

describe(`drift statistics against SciPy (${fixtures.generator})`, () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const reference = sample(c.kind, c.reference);
    const current = sample(c.kind, c.current);

    if (c.ks) {
      it('Kolmogorov–Smirnov statistic and p-value', () => {
        const r = ks2Sample(c.reference as number[], c.current as number[]);
        close(r.statistic, c.ks!.statistic, 1e-12);
        // Past 10,000 values SciPy's exact one-sample distribution is approximated (Stephens).
        close(r.pValue, c.ks!.pValue, r.method === 'exact' ? 1e-8 : 2e-3, 1e-15);
        expect(r.method).toBe(Math.max(c.reference.length, c.current.length) <= 10_000 ? 'exact' : 'asymptotic');
      });
      it('normalized Wasserstein distance', () => close(normalizedWasserstein(reference, current), c.wasserstein!, 1e-9));
    }
    if (c.chisquare) {
      it('chi-squared statistic and p-value', () => {
        const r = chiSquareTest(reference, current);
        close(r.statistic, value(c.chisquare!.statistic), 1e-10);
        close(r.pValue, c.chisquare!.pValue, 1e-8, 1e-15);
      });
    }
    if (c.z) {
      it('two-proportion Z test', () => {
        const r = twoProportionZTest(reference, current);
        close(Math.abs(r.statistic), Math.abs(c.z!.statistic), 1e-10);
        close(r.pValue, c.z!.pValue, 1e-8, 1e-14);
      });
    }
    it('Jensen–Shannon distance and PSI of the binned shares', () => {
      close(jensenShannonDistance(reference, current), c.jensenshannon, 1e-9);
      close(populationStabilityIndex(reference, current), c.psi, 1e-9);
    });
  });

  it('special functions', () => {
    for (const { x, df, sf } of fixtures.special.chi2_sf) close(chiSquaredSf(x, df), sf, 1e-10, 1e-300);
    for (const { x, cdf } of fixtures.special.norm_cdf) close(normalCdf(x), cdf, 1e-10, 1e-300);
    for (const { x, value: v } of fixtures.special.lgamma) close(logGamma(x), v, 1e-12);
  });
});

describe('test selection (Evidently defaults)', () => {
  const numbers = (n: number, distinct: number) => numericSample(Array.from({ length: n }, (_, i) => i % distinct));
  const cats = (n: number, distinct: number) => categoricalSample(Array.from({ length: n }, (_, i) => `c${i % distinct}`));
  it.each([
    [numbers(1000, 50), numbers(300, 50), 'ks'],
    [numbers(1000, 4), numbers(300, 4), 'chisquare'],
    [numbers(500, 2), numbers(300, 2), 'z'],
    [cats(800, 3), cats(300, 3), 'chisquare'],
    [cats(800, 2), cats(300, 2), 'z'],
    [numbers(1001, 50), numbers(300, 50), 'wasserstein'],
    [numbers(5000, 5), numbers(300, 5), 'jensenshannon'],
    [cats(5000, 7), cats(300, 7), 'jensenshannon'],
  ])('picks the default test (%#)', (reference, current, test) => {
    expect(defaultDriftTest(reference, current)).toBe(test);
  });

  it('judges drift at p ≤ 0.05 for tests and ≥ 0.1 for distances; dataset drift at half the features', () => {
    const shifted = cases.find((c) => c.name === 'reference 1000, current 3000, shifted')!;
    const ks = featureDrift('x', numericSample(shifted.reference as number[]), numericSample(shifted.current as number[]));
    expect(ks).toMatchObject({ feature: 'x', test: 'ks', threshold: 0.05, drifted: ks.statistic <= 0.05, referenceSize: 1000, currentSize: 3000 });
    const large = cases.find((c) => c.name === 'large reference, shifted')!;
    const w = featureDrift('y', numericSample(large.reference as number[]), numericSample(large.current as number[]));
    expect(w).toMatchObject({ test: 'wasserstein', threshold: DEFAULT_THRESHOLDS.wasserstein, drifted: true });
    const psi = featureDrift('y', numericSample(large.reference as number[]), numericSample(large.current as number[]), { test: 'psi' });
    expect(psi.test).toBe('psi');
    expect(datasetDrift([w, { ...w, drifted: false }])).toEqual({ drifted: true, driftedShare: 0.5 });
    expect(datasetDrift([w, { ...w, drifted: false }, { ...w, drifted: false }])).toEqual({ drifted: false, driftedShare: 1 / 3 });
  });

  it('has the Kolmogorov limit right at known points', () => {
    // Q_KS(1.3581) = 0.05, Q_KS(1.6276) = 0.01 (the classical critical values).
    close(kolmogorovSf(1.3581), 0.05, 1e-4);
    close(kolmogorovSf(1.6276), 0.01, 1e-3);
    close(kolmogorovSf(0.2), 1, 1e-9);
  });
});

describe('samples of whole columns', () => {
  const n = 50_000; // above the radix sort's threshold
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) column[i] = i % 7 === 0 ? [NaN, Infinity, -Infinity, -0][i % 4] : Math.round(Math.sin(i) * 1000) / 10;

  it('keeps the finite values of a typed array, an array with nulls and an iterable alike, sorted', () => {
    const finite = Array.from(column).filter((v) => Number.isFinite(v));
    const expected = Float64Array.from(finite).sort();
    const withNulls = Array.from(column, (v, i) => (i % 11 === 0 && !Number.isFinite(v) ? null : v));
    for (const input of [column, withNulls, (function* () { yield* column; })()]) {
      const s = numericSample(input);
      expect(s.kind === 'numeric' && Array.from(s.sorted)).toEqual(Array.from(expected));
    }
  });

  it('Wasserstein with many ties equals the definition SciPy computes (CDF differences over the merged support)', () => {
    const a = numericSample(column);
    const b = numericSample(column.map((v) => v + 3 * Math.round(Math.cos(v))));
    if (a.kind !== 'numeric' || b.kind !== 'numeric') throw new Error('numeric samples');
    const all = Float64Array.from([...a.sorted, ...b.sorted]).sort();
    const countAtMost = (s: Float64Array, x: number) => {
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    let expected = 0;
    for (let k = 0; k + 1 < all.length; k++) expected += Math.abs(countAtMost(a.sorted, all[k]) / a.sorted.length - countAtMost(b.sorted, all[k]) / b.sorted.length) * (all[k + 1] - all[k]);
    const std = Math.sqrt(a.sorted.reduce((s, v) => s + v * v, 0) / a.sorted.length - (a.sorted.reduce((s, v) => s + v, 0) / a.sorted.length) ** 2);
    close(normalizedWasserstein(a, b), expected / std, 1e-9);
  });

  it('counts categories in first-seen order, the reference first, without nulls', () => {
    const reference = categoricalSample(['b', 'a', null, 'b', NaN, 'c', undefined, 1]);
    const current = categoricalSample(['d', 'a', 'a', true]);
    expect(reference).toEqual({ kind: 'categorical', counts: new Map([['b', 2], ['a', 1], ['c', 1], ['1', 1]]), size: 5 });
    expect(chiSquareTest(reference, current).statistic).toBe(Infinity);
    expect(defaultDriftTest(reference, current)).toBe('chisquare');
  });
});

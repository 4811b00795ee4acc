import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileCategorical, profileNumeric, type CategoricalProfile, type NumericProfile } from './profile';

// Known answers computed by numpy (mean and std: exact rational arithmetic, numpy's kept beside);
// regenerate with `python3 scripts/fixtures/profile_fixtures.py`.
interface Fixtures {
  numeric: Array<{
    name: string;
    options: { bins?: number; quantiles?: number[] };
    input: Array<number | string | null>;
    expected: Omit<NumericProfile, 'kind'> & { numpy?: { mean: number; std: number } };
  }>;
  categorical: Array<{
    name: string;
    options: { maxCategories?: number };
    input: Array<string | boolean | null>;
    expected: Omit<CategoricalProfile, 'kind'>;
  }>;
}

const fixtures: Fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures/profile.fixtures.json'), 'utf8'));

// JSON has no NaN or infinities; the generator spells them as strings.
const decode = (v: number | string | null): number | null => (typeof v === 'string' ? Number(v) : v);

const REL = 1e-9;
// Values near zero relative to the data (a median of symmetric data) get an absolute floor of a
// few ulps of the largest |value|, the precision those numbers are computed to.
const ULPS_OF_SCALE = 1e-15;

function expectClose(actual: number | null, expected: number | null, absoluteFloor = 0): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  const tolerance = Math.max(REL * Math.abs(expected), absoluteFloor);
  if (!(Math.abs((actual as number) - expected) <= tolerance)) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

describe('profileNumeric matches numpy', () => {
  it.each(fixtures.numeric.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const profile = profileNumeric(c.input.map(decode), c.options);
    const e = c.expected;
    const floor = ULPS_OF_SCALE * Math.max(Math.abs(e.min ?? 0), Math.abs(e.max ?? 0));
    expect(profile).toMatchObject({ kind: 'numeric', count: e.count, nulls: e.nulls, infinite: e.infinite });
    for (const key of ['mean', 'min', 'max'] as const) expectClose(profile[key], e[key], floor);
    // Purely relative: the fixture's std is exact, and a large offset is where algorithms fail.
    expectClose(profile.std, e.std);
    expect(profile.quantiles.map((q) => q.q)).toEqual(e.quantiles.map((q) => q.q));
    profile.quantiles.forEach((q, i) => expectClose(q.value, e.quantiles[i].value, floor));
    // Counts must be identical: the bin rule is the point of matching numpy.
    expect(profile.histogram.counts).toEqual(e.histogram.counts);
    expect(profile.histogram.edges).toHaveLength(e.histogram.edges.length);
    profile.histogram.edges.forEach((edge, i) => expectClose(edge, e.histogram.edges[i], floor));
  });
});

describe('profileCategorical matches the reference', () => {
  it.each(fixtures.categorical.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const profile = profileCategorical(c.input, c.options);
    expect(profile).toEqual({ kind: 'categorical', ...c.expected });
  });
});

describe('profileNumeric edge cases', () => {
  it('gives a constant column its exact mean and a std of 0', () => {
    const profile = profileNumeric(new Array(50).fill(0.1));
    expect(profile.mean).toBe(0.1);
    expect(profile.std).toBe(0);
  });

  it('keeps the std of small noise on a huge offset', () => {
    const noise = [-1.5, -0.5, 0.5, 1.5];
    const profile = profileNumeric(noise.map((d) => 1e12 + d));
    expect(profile.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('degrades to a single bin where numpy cannot form edges', () => {
    expect(profileNumeric([1e17, 1e17]).histogram).toEqual({ edges: [1e17, 1e17], counts: [2] });
    expect(profileNumeric([-1e308, 1e308, 0]).histogram).toEqual({ edges: [-1e308, 1e308], counts: [3] });
  });

  it('treats values that are not numbers as missing and leaves the input alone', () => {
    const input = [3, 'x' as unknown as number, 1, undefined, 2];
    const profile = profileNumeric(input);
    expect(profile).toMatchObject({ count: 3, nulls: 2, min: 1, max: 3 });
    expect(input).toEqual([3, 'x', 1, undefined, 2]);
  });

  it('rejects bad options', () => {
    expect(() => profileNumeric([1], { bins: 0 })).toThrow(RangeError);
    expect(() => profileNumeric([1], { bins: 2.5 })).toThrow(RangeError);
    expect(() => profileNumeric([1], { quantiles: [1.1] })).toThrow(RangeError);
    expect(() => profileNumeric([1], { quantiles: [NaN] })).toThrow(RangeError);
  });
});

describe('profileCategorical edge cases', () => {
  it('counts a boolean and its spelled-out string as one category', () => {
    expect(profileCategorical([true, 'true', false]).frequencies).toEqual([
      { value: 'true', count: 2, share: 2 / 3 },
      { value: 'false', count: 1, share: 1 / 3 },
    ]);
  });

  it('rejects a negative or fractional maxCategories', () => {
    expect(() => profileCategorical(['a'], { maxCategories: -1 })).toThrow(RangeError);
    expect(() => profileCategorical(['a'], { maxCategories: 1.5 })).toThrow(RangeError);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DriftTestName, categoricalSample, numericSample } from '@mlops/ml';
import { DISTRIBUTION_BINS, type FeatureDistribution, MAX_CATEGORIES, featureDistribution } from './distribution';

interface Case {
  name: string;
  kind: 'numeric' | 'categorical';
  test: DriftTestName;
  reference: (number | string)[];
  current: (number | string)[];
  expected: FeatureDistribution;
}

// Written by fixtures/distribution_fixtures.py (numpy).
const fixtures: { generator: string; cases: Case[] } = JSON.parse(readFileSync(join(__dirname, 'fixtures/distribution.fixtures.json'), 'utf8'));

const sample = (kind: Case['kind'], values: (number | string)[]) => (kind === 'numeric' ? numericSample(values as number[]) : categoricalSample(values));
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]))));
}

describe(`featureDistribution against numpy (${fixtures.generator})`, () => {
  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = featureDistribution(c.test, sample(c.kind, c.reference), sample(c.kind, c.current));
    expect(d.categories).toEqual(c.expected.categories);
    expectClose(d.binEdges, c.expected.binEdges);
    expectClose(d.referenceShares, c.expected.referenceShares);
    expectClose(d.currentShares, c.expected.currentShares);
    expect(sum(d.referenceShares)).toBeCloseTo(1, 12);
    expect(sum(d.currentShares)).toBeCloseTo(1, 12);
  });

  it('covers bins and categories, both edges of the range and the cut of long category lists', () => {
    const shapes = fixtures.cases.map((c) => [c.expected.binEdges.length, c.expected.categories.length]);
    expect(shapes).toContainEqual([DISTRIBUTION_BINS + 1, 0]);
    expect(shapes).toContainEqual([0, MAX_CATEGORIES]);
    const edges = fixtures.cases.find((c) => c.name.startsWith('integers'))!;
    // 0 and 14 are the outer edges: the smallest value lands in the first bin, the largest in the last.
    const d = featureDistribution(edges.test, numericSample(edges.reference as number[]), numericSample(edges.current as number[]));
    expect([d.binEdges[0], d.binEdges[DISTRIBUTION_BINS]]).toEqual([0, 14]);
    expect(d.referenceShares[0]).toBeGreaterThan(0);
    expect(d.currentShares[DISTRIBUTION_BINS - 1]).toBeGreaterThan(0);
  });

  it('gives zero shares on a side without data', () => {
    const d = featureDistribution('ks', numericSample([1, 2, 3]), numericSample([]));
    expect(d.binEdges).toHaveLength(DISTRIBUTION_BINS + 1);
    expect(sum(d.referenceShares)).toBeCloseTo(1, 12);
    expect(d.currentShares).toEqual(new Array(DISTRIBUTION_BINS).fill(0));
    expect(featureDistribution('chisquare', categoricalSample(['a']), categoricalSample([]))).toEqual({ binEdges: [], categories: ['a'], referenceShares: [1], currentShares: [0] });
  });
});

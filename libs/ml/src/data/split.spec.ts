import { mulberry32, shuffleInPlace } from './random';
import { dealParts, seededSplit } from './split';

const FRACTIONS = { train: 0.7, validation: 0.15, test: 0.15 };

function counts(labels: number[], rows: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const i of rows) out.set(labels[i], (out.get(labels[i]) ?? 0) + 1);
  return out;
}

describe('mulberry32', () => {
  it('is the published generator: the reference outputs for seed 42', () => {
    // From the reference C implementation (state += 0x6D2B79F5; ...), output / 2^32.
    const rng = mulberry32(42);
    expect([rng(), rng(), rng()].map((x) => Math.round(x * 2 ** 32))).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it('gives uniform-looking doubles in [0, 1)', () => {
    const rng = mulberry32(1);
    const xs = Array.from({ length: 10000 }, rng);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 0.5)).toBeLessThan(0.01);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(items, mulberry32(3));
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('seededSplit', () => {
  it('is deterministic in the seed and partitions 0..n-1', () => {
    const a = seededSplit(101, FRACTIONS, 7);
    expect(seededSplit(101, FRACTIONS, 7)).toEqual(a);
    expect(seededSplit(101, FRACTIONS, 8)).not.toEqual(a);
    expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it('sizes each part within 1 of n × fraction', () => {
    for (const n of [0, 1, 2, 3, 10, 99, 1000]) {
      const split = seededSplit(n, FRACTIONS, 1);
      for (const part of ['train', 'validation', 'test'] as const) {
        expect(Math.abs(split[part].length - n * FRACTIONS[part])).toBeLessThan(1);
      }
    }
    expect(seededSplit(10, { train: 1, validation: 0, test: 0 }, 1).train).toHaveLength(10);
  });

  it('keeps class proportions per part when stratified, with the unstratified part sizes', () => {
    const rng = mulberry32(5);
    const labels = Array.from({ length: 1000 }, () => [0, 1, 1, 2, 2, 2, 2, 9][Math.floor(rng() * 8)]);
    const split = seededSplit(1000, FRACTIONS, 11, { stratified: labels });
    const plain = seededSplit(1000, FRACTIONS, 11);
    const overall = counts(labels, labels.map((_, i) => i));
    for (const part of ['train', 'validation', 'test'] as const) {
      expect(split[part]).toHaveLength(plain[part].length);
      for (const [label, count] of counts(labels, split[part])) {
        expect(Math.abs(count - (overall.get(label) ?? 0) * FRACTIONS[part])).toBeLessThan(2);
      }
    }
    expect(seededSplit(1000, FRACTIONS, 11, { stratified: labels })).toEqual(split);
  });

  it('spreads the leftovers of many small classes over the parts', () => {
    const labels = Array.from({ length: 300 }, (_, i) => Math.floor(i / 3)); // 100 classes of 3
    const split = seededSplit(300, { train: 0.8, validation: 0.1, test: 0.1 }, 2, { stratified: labels });
    expect(split.validation).toHaveLength(30);
    expect(split.test).toHaveLength(30);
  });

  it('rejects bad arguments with RangeError', () => {
    expect(() => seededSplit(-1, FRACTIONS, 1)).toThrow(RangeError);
    expect(() => seededSplit(2.5, FRACTIONS, 1)).toThrow(RangeError);
    expect(() => seededSplit(10, { train: 0.7, validation: 0.2, test: 0.2 }, 1)).toThrow(/sum to 1/);
    expect(() => seededSplit(10, { train: 1.2, validation: -0.2, test: 0 }, 1)).toThrow(RangeError);
    expect(() => seededSplit(3, FRACTIONS, 1, { stratified: [0, 1] })).toThrow(RangeError);
  });
});

describe('dealParts', () => {
  it('keeps every prefix within 1 of its quota', () => {
    const shares = [0.55, 0.3, 0.15];
    const parts = dealParts(500, shares);
    const dealt = [0, 0, 0];
    parts.forEach((part, position) => {
      dealt[part]++;
      shares.forEach((share, k) => expect(Math.abs((position + 1) * share - dealt[k])).toBeLessThan(1));
    });
  });
});

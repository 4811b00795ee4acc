import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '../models';
import { BINNING_SUBSAMPLE, binMatrix, featureBinEdges, fitBinMapper } from './binning';

// sklearn's _BinMapper on a synthetic matrix; regenerate with scripts/fixtures/gbdt_fixtures.py.
interface BinningFixture {
  columns: Array<Array<number | null>>;
  cases: Array<{ maxBins: number; thresholds: number[][]; binned: number[][] }>;
}

const fixture: BinningFixture = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'gbdt.fixtures.json'), 'utf8'),
).binning;

function columnsToMatrix(columns: Array<Array<number | null>>): Matrix {
  const rows = columns[0].length;
  const data = new Float64Array(rows * columns.length);
  columns.forEach((column, f) => column.forEach((v, r) => (data[r * columns.length + f] = v ?? NaN)));
  return { rows, cols: columns.length, data };
}

describe('binning matches sklearn _BinMapper', () => {
  const X = columnsToMatrix(fixture.columns);

  it.each(fixture.cases.map((c) => [c.maxBins, c] as const))('maxBins %d: identical edges and bins', (maxBins, c) => {
    const mapper = fitBinMapper(X, maxBins);
    expect(mapper.edges.map((e) => Array.from(e))).toEqual(c.thresholds);
    const binned = binMatrix(X, mapper);
    for (let f = 0; f < X.cols; f++) {
      // sklearn's missing bin is always maxBins; ours is the feature's own last bin.
      const column = Array.from(binned.byColumn.subarray(f * X.rows, (f + 1) * X.rows));
      const ours = column.map((b, r) => (Number.isNaN(X.data[r * X.cols + f]) ? maxBins : b));
      expect(ours).toEqual(c.binned[f]);
    }
  });
});

describe('featureBinEdges', () => {
  it('takes midpoints between distinct values when there are few', () => {
    expect(Array.from(featureBinEdges(Float64Array.of(3, 1, 2, 2, 1, 10)))).toEqual([1.5, 2.5, 6.5]);
  });

  it('has no edge for a constant feature or no values', () => {
    expect(featureBinEdges(Float64Array.of(4, 4, 4))).toHaveLength(0);
    expect(featureBinEdges(new Float64Array(0))).toHaveLength(0);
  });

  it('uses maxBins - 1 quantile edges when values outnumber bins', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const edges = featureBinEdges(values, 4);
    // numpy.percentile(arange(1000), [25, 50, 75], method='midpoint')
    expect(Array.from(edges)).toEqual([249.5, 499.5, 749.5]);
  });

  it('rejects maxBins outside [2, 255]', () => {
    expect(() => featureBinEdges(Float64Array.of(1), 1)).toThrow(RangeError);
    expect(() => featureBinEdges(Float64Array.of(1), 256)).toThrow(RangeError);
  });
});

describe('binMatrix', () => {
  it('maps x to the first bin whose upper edge is >= x, and NaN to the missing bin', () => {
    const X: Matrix = { rows: 6, cols: 1, data: Float64Array.of(1, 2, 2.5, NaN, 3, Infinity) };
    const mapper = fitBinMapper(X);
    // Infinity is a value: its edge (3 + ∞) / 2 is clipped to 1e300 as sklearn does.
    expect(Array.from(mapper.edges[0])).toEqual([1.5, 2.25, 2.75, 1e300]);
    expect(mapper.nonMissingBins[0]).toBe(5);
    expect(Array.from(binMatrix(X, mapper).data)).toEqual([0, 1, 2, 5, 3, 4]);
  });

  it('keeps the row-major and column-major copies consistent', () => {
    const X: Matrix = { rows: 3, cols: 2, data: Float64Array.of(1, 10, 2, NaN, 3, 30) };
    const binned = binMatrix(X, fitBinMapper(X));
    expect(Array.from(binned.data)).toEqual([0, 0, 1, 2, 2, 1]);
    expect(Array.from(binned.byColumn)).toEqual([0, 1, 2, 0, 2, 1]);
  });
});

describe('fitBinMapper subsample', () => {
  // More rows than the subsample: the quantiles come from a seeded random subset.
  const rows = BINNING_SUBSAMPLE + 5000;
  const X: Matrix = { rows, cols: 1, data: Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1000) };

  it('is deterministic for a seed and depends on it', () => {
    const a = fitBinMapper(X, 255, 1).edges[0];
    expect(fitBinMapper(X, 255, 1).edges[0]).toEqual(a);
    expect(fitBinMapper(X, 255, 2).edges[0]).not.toEqual(a);
    expect(a).toHaveLength(254);
  });
});

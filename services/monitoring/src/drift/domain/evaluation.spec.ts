import { categoricalSample, numericSample } from '@mlops/ml';
import { type Reference, evaluateWindow } from './evaluation';
import { RowWindow } from './window';

let seed = 11;
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const normal = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());

function reference(rows: number): Reference {
  const x = Array.from({ length: rows }, normal);
  const y = Array.from({ length: rows }, () => normal() * 2 + 5);
  return { modelName: 'm', version: 3, snapshotId: 's', rows, features: new Map([['x', numericSample(x)], ['y', numericSample(y)]]), predictions: categoricalSample(x.map((v) => (v > 0 ? 1 : 0))), task: 'classification', metrics: {}, classes: [0, 1] };
}

function window(shiftX: number, shiftY: number): RowWindow {
  const w = new RowWindow(800);
  for (let i = 0; i < 800; i++) {
    const x = normal() + shiftX;
    w.push({ features: { x, y: normal() * 2 + 5 + shiftY }, prediction: x > 0 ? 1 : 0, servedAtMs: i });
  }
  return w;
}

describe('evaluateWindow', () => {
  it('finds no drift in data like the reference', () => {
    const e = evaluateWindow(reference(3000), window(0, 0), 0.5);
    expect(e.features.map((f) => [f.feature, f.test, f.drifted])).toEqual([['x', 'wasserstein', false], ['y', 'wasserstein', false]]);
    expect(e.datasetDrift).toBe(false);
    expect(e.prediction).toMatchObject({ feature: 'prediction', test: 'jensenshannon', drifted: false });
  });

  it('finds drift per feature, dataset drift at the share, and the predictions moving with it', () => {
    const one = evaluateWindow(reference(3000), window(1, 0), 0.5);
    expect(one.features.map((f) => f.drifted)).toEqual([true, false]);
    expect(one).toMatchObject({ driftedShare: 0.5, datasetDrift: true, windowRows: 800, windowFromMs: 0, windowToMs: 799 });
    expect(one.prediction?.drifted).toBe(true);
    expect(evaluateWindow(reference(3000), window(1, 0), 0.75).datasetDrift).toBe(false);
    // A small reference gets hypothesis tests instead.
    expect(evaluateWindow(reference(500), window(1, 0), 0.5).features.map((f) => f.test)).toEqual(['ks', 'ks']);
  });

  it('keeps what each test compared: the current shares of the shifted feature move, those of the other stay', () => {
    const e = evaluateWindow(reference(3000), window(1, 0), 0.5);
    const [x, y] = e.distributions.features;
    const sum = (v: number[]) => v.reduce((s, n) => s + n, 0);
    for (const d of [x, y]) {
      expect([d.binEdges.length, d.referenceShares.length, d.currentShares.length, d.categories]).toEqual([31, 30, 30, []]);
      expect(sum(d.referenceShares)).toBeCloseTo(1, 12);
      expect(sum(d.currentShares)).toBeCloseTo(1, 12);
    }
    // Mean of the bin centres, weighted by the shares: x moved by 1, y did not.
    const mean = (edges: number[], shares: number[]) => sum(shares.map((share, i) => share * (edges[i] + edges[i + 1]) / 2));
    expect(mean(x.binEdges, x.currentShares) - mean(x.binEdges, x.referenceShares)).toBeGreaterThan(0.8);
    expect(Math.abs(mean(y.binEdges, y.currentShares) - mean(y.binEdges, y.referenceShares))).toBeLessThan(0.3);
    // Predictions of a classifier are categories; more 1s once x moved up.
    const p = e.distributions.prediction!;
    expect(p.categories).toEqual(expect.arrayContaining(['0', '1']));
    const one = p.categories.indexOf('1');
    expect(p.currentShares[one]).toBeGreaterThan(p.referenceShares[one] + 0.2);
  });
});

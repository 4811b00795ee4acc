import { LATENCY_BOUNDS_MS, addLatency, emptyStats, latencyBucket, latencyQuantile, mergeStats } from './window-stats';

describe('window stats', () => {
  it('puts a latency in the bucket whose bound is the first at or above it', () => {
    for (const ms of [0.013, 0.5, 1, 3.3, 47, 999]) {
      const b = latencyBucket(ms);
      expect(LATENCY_BOUNDS_MS[b]).toBeGreaterThanOrEqual(ms * (1 - 1e-9));
      expect(b === 0 || LATENCY_BOUNDS_MS[b - 1] < ms).toBe(true);
    }
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1e9)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('gives quantiles within one bucket (15%) of the exact order statistic, and merges by addition', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const samples = Array.from({ length: 5000 }, () => Math.exp(random() * 6 - 3));
    const a = emptyStats();
    const b = emptyStats();
    samples.forEach((ms, i) => addLatency(i % 2 ? a : b, ms));
    const merged = mergeStats([a, b]);
    const sorted = [...samples].sort((x, y) => x - y);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      const estimate = latencyQuantile(merged, q);
      expect(estimate).toBeGreaterThanOrEqual(exact);
      expect(estimate).toBeLessThanOrEqual(exact * 1.15 + 1e-12);
    }
    expect(latencyQuantile(emptyStats(), 0.99)).toBeNaN();
  });
});

import { checkLimit, curvesOption, distributionOption, parallelOption } from './charts';
import type { Run } from '../api/types';

describe('charts', () => {
  it('holds accuracy to the stable version less the allowed drop, the others to their threshold', () => {
    expect(checkLimit({ name: 'accuracy', threshold: 0.02, stableValue: 0.9 })).toBeCloseTo(0.88);
    expect(checkLimit({ name: 'mae', threshold: 0.1, stableValue: 2 })).toBeCloseTo(2.2);
    expect(checkLimit({ name: 'p99_latency_ms', threshold: 500, stableValue: 12 })).toBe(500);
  });

  it('escapes run names in curve tooltips', () => {
    const option = curvesOption([{ name: '<img src=x onerror=alert(1)>', points: [[0, 1]] }], 'loss');
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ seriesName: '<img src=x onerror=alert(1)>', value: [0, 1] })).toBe('&lt;img src=x onerror=alert(1)&gt;<br/>step 0: 1');
  });

  it('hides the legend and thins lines beyond 20 runs', () => {
    const many = curvesOption(Array.from({ length: 25 }, (_, i) => ({ name: `r${i}`, points: [[0, i]] as [number, number][] })), 'loss');
    expect(many.legend).toEqual({ show: false });
  });

  it('draws numeric params on value axes and the metric last', () => {
    const run = (id: string, lr: string, algo: string, acc: number): Run => ({ runId: id, experiment: 'e', runName: '', status: '', startTimeMs: 0, endTimeMs: 0, params: { lr, algo }, tags: {}, metrics: { acc }, artifacts: [] });
    const option = parallelOption([run('aaaaaaaa1', '0.1', 'gbdt', 0.9), run('bbbbbbbb2', '0.01', 'lr', 0.8)], ['lr', 'algo'], 'acc');
    expect((option.parallelAxis as { name: string; type: string }[]).map((a) => `${a.name}:${a.type}`)).toEqual(['lr:value', 'algo:category', 'acc:value']);
    expect((option.series as { data: { value: unknown[] }[] }[])[0].data.map((d) => d.value)).toEqual([[0.1, 'gbdt', 0.9], [0.01, 'lr', 0.8]]);
  });

  it('labels bins by their lower edge, categories by name', () => {
    const numeric = distributionOption({ feature: 'x', test: 'ks', statistic: 0.01, threshold: 0.05, drifted: true, referenceSize: 1, currentSize: 1, binEdges: [0, 0.5, 1], categories: [], referenceShares: [0.5, 0.5], currentShares: [0.9, 0.1] });
    expect((numeric.xAxis as { data: string[] }).data).toEqual(['0', '0.5']);
    const categorical = distributionOption({ feature: 'c', test: 'chisquare', statistic: 0.5, threshold: 0.05, drifted: false, referenceSize: 1, currentSize: 1, binEdges: [], categories: ['card', 'cash'], referenceShares: [0.6, 0.4], currentShares: [0.5, 0.5] });
    expect((categorical.xAxis as { data: string[] }).data).toEqual(['card', 'cash']);
  });
});

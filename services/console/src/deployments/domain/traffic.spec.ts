import { trafficSeries } from './traffic';

const analysis = (number: number, atMs: number, weight: number, verdict: string, action: string) => ({ number, atMs, candidateWeightPercent: weight, verdict, action });

describe('trafficSeries', () => {
  it('steps the weight up at each passed analysis and ends at 100 % when promoted', () => {
    const points = trafficSeries(
      { createdAtMs: 1000, updatedAtMs: 9000, state: 'DEPLOYMENT_STATE_PROMOTED', candidateWeightPercent: 100, strategy: 'STRATEGY_CANARY' },
      [analysis(1, 3000, 25, 'VERDICT_PASS', 'step 2 (50%)'), analysis(2, 5000, 50, 'VERDICT_PASS', 'step 3 (100%)'), analysis(3, 7000, 100, 'VERDICT_PASS', 'promoting')],
    );
    expect(points.map((p) => [p.atMs, p.weightPercent])).toEqual([[1000, 25], [3000, 25], [3000, 50], [5000, 50], [5000, 100], [7000, 100], [9000, 100]]);
    expect(points[1].note).toBe('analysis 1: pass → step 2 (50%)');
    expect(points[points.length - 1].note).toBe('promoted');
  });

  it('drops to 0 % when rolled back', () => {
    const points = trafficSeries({ createdAtMs: 0, updatedAtMs: 4000, state: 'DEPLOYMENT_STATE_ROLLED_BACK', candidateWeightPercent: 0, strategy: 'STRATEGY_CANARY' }, [
      analysis(1, 2000, 25, 'VERDICT_FAIL', ''),
      analysis(2, 4000, 25, 'VERDICT_FAIL', 'rolled back'),
    ]);
    expect(points.map((p) => p.weightPercent)).toEqual([25, 25, 25, 0]);
    expect(points[points.length - 1]).toMatchObject({ atMs: 4000, note: 'rolled back' });
  });

  it('starts at the current weight before the first analysis', () => {
    expect(trafficSeries({ createdAtMs: 5, updatedAtMs: 5, state: 'DEPLOYMENT_STATE_PROGRESSING', candidateWeightPercent: 10, strategy: 'STRATEGY_CANARY' }, [])).toEqual([{ atMs: 5, weightPercent: 10, note: 'started' }]);
  });
});

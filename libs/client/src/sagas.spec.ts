import { degradedStep, sagaRank } from './sagas';

describe('timeline steps', () => {
  it('orders steps of the same millisecond as the saga runs: alert, request, run, version, rollout', () => {
    const kinds = ['deployment.progressing', 'version.registered', 'training.requested', 'training.completed', 'drift.detected'];
    expect([...kinds].sort((a, b) => sagaRank(a) - sagaRank(b))).toEqual(['drift.detected', 'training.requested', 'training.completed', 'version.registered', 'deployment.progressing']);
    expect(sagaRank('performance.degraded')).toBeLessThan(sagaRank('training.requested'));
  });

  it('says what degraded, against what, over how many labels', () => {
    const step = degradedStep({ alertId: 'a', modelName: 'm', version: 3, metric: 'accuracy', baseline: 0.95, current: 0.712, threshold: 0.1, sampleSize: 200 });
    expect(step).toMatchObject({ kind: 'performance.degraded', version: 3, summary: 'accuracy 0.712 over 200 labelled predictions, test 0.950 (limit 10% worse)' });
  });
});

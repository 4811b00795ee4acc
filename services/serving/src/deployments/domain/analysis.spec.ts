import { analyseWindow } from './analysis';
import { DEFAULT_THRESHOLDS } from './policy';
import { type WindowStats, addLatency, emptyStats } from './window-stats';

function stats(over: Partial<WindowStats> & { latencies?: number[] }): WindowStats {
  const s = { ...emptyStats(), ...over };
  for (const ms of over.latencies ?? []) addLatency(s, ms);
  return s;
}

const t = { ...DEFAULT_THRESHOLDS, minRequests: 10, minMirrored: 10, minLabels: 10 };
const healthy = () => stats({ requests: 100, latencies: Array(100).fill(2) });
const verdicts = (r: ReturnType<typeof analyseWindow>) => Object.fromEntries(r.checks.map((c) => [c.name, c.verdict]));

describe('analyseWindow', () => {
  it('waits while the candidate has too few requests', () => {
    const r = analyseWindow(stats({ requests: 5, latencies: [1, 1, 1, 1, 1] }), healthy(), t, 'classification', 'canary');
    expect(r.verdict).toBe('wait');
    expect(verdicts(r)).toEqual({ error_rate: 'wait', p99_latency_ms: 'wait', divergence: 'skipped', accuracy: 'skipped' });
  });

  it('passes a healthy candidate and fails one past any limit', () => {
    expect(analyseWindow(healthy(), healthy(), t, 'classification', 'canary').verdict).toBe('pass');
    const errs = analyseWindow(stats({ requests: 100, errors: 2, latencies: Array(98).fill(2) }), healthy(), t, 'classification', 'canary');
    expect(errs.verdict).toBe('fail');
    expect(errs.checks[0]).toMatchObject({ name: 'error_rate', value: 0.02, threshold: 0.01, verdict: 'fail' });
    const slow = analyseWindow(stats({ requests: 100, latencies: [...Array(95).fill(2), ...Array(5).fill(650)] }), healthy(), t, 'classification', 'canary');
    expect(verdicts(slow).p99_latency_ms).toBe('fail');
    expect(slow.checks[1].value).toBeGreaterThan(600);
  });

  it('judges divergence as disagreement for classifiers and relative difference for regressors', () => {
    const c = analyseWindow({ ...healthy(), compared: 50, divergent: 10 }, healthy(), t, 'classification', 'canary');
    expect(c.checks[2]).toMatchObject({ name: 'divergence', value: 0.2, verdict: 'fail' });
    const r = analyseWindow({ ...healthy(), compared: 50, absDifference: 4, stableMagnitude: 100 }, healthy(), t, 'regression', 'canary');
    expect(r.checks[2]).toMatchObject({ value: 0.04, verdict: 'pass' });
    // Too few comparisons: skipped in a canary, but the shadow phase waits for them.
    expect(verdicts(analyseWindow({ ...healthy(), compared: 5 }, healthy(), t, 'classification', 'canary')).divergence).toBe('skipped');
    expect(analyseWindow({ ...healthy(), compared: 5 }, healthy(), t, 'classification', 'shadow').verdict).toBe('wait');
  });

  it('lets labels, not disagreement, decide when both versions were judged on labels', () => {
    // A retrained model disagrees with the old one on half the mirrored requests, and is right more often.
    const retrained = analyseWindow({ ...healthy(), compared: 50, divergent: 25, labelled: 40, correct: 38 }, { ...healthy(), labelled: 40, correct: 24 }, t, 'classification', 'canary');
    expect(verdicts(retrained)).toMatchObject({ divergence: 'skipped', accuracy: 'pass' });
    expect(retrained.verdict).toBe('pass');
    expect(retrained.checks.find((c) => c.name === 'divergence')?.value).toBe(0.5);
    // Without enough labels the disagreement is judged.
    const unlabelled = analyseWindow({ ...healthy(), compared: 50, divergent: 25, labelled: 3, correct: 3 }, healthy(), t, 'classification', 'canary');
    expect(verdicts(unlabelled)).toMatchObject({ divergence: 'fail', accuracy: 'skipped' });
    // Unless labels are required: then too few of them wait, and disagreement is only reported.
    const waiting = analyseWindow({ ...healthy(), compared: 50, divergent: 25, labelled: 3, correct: 3 }, healthy(), { ...t, requireLabels: true }, 'classification', 'canary');
    expect(verdicts(waiting)).toMatchObject({ divergence: 'skipped', accuracy: 'wait' });
    expect(waiting.verdict).toBe('wait');
    const judged = analyseWindow({ ...healthy(), compared: 50, divergent: 25, labelled: 40, correct: 20 }, { ...healthy(), labelled: 40, correct: 38 }, { ...t, requireLabels: true }, 'classification', 'canary');
    expect(judged.verdict).toBe('fail');
  });

  it('compares accuracy (or MAE) with the stable version once both have enough labels', () => {
    const worse = analyseWindow({ ...healthy(), labelled: 40, correct: 30 }, { ...healthy(), labelled: 40, correct: 36 }, t, 'classification', 'canary');
    expect(worse.checks[3]).toMatchObject({ name: 'accuracy', value: 0.75, stableValue: 0.9, verdict: 'fail' });
    const close = analyseWindow({ ...healthy(), labelled: 50, correct: 44 }, { ...healthy(), labelled: 50, correct: 45 }, t, 'classification', 'canary');
    expect(verdicts(close).accuracy).toBe('pass');
    const few = analyseWindow({ ...healthy(), labelled: 40, correct: 0 }, { ...healthy(), labelled: 5, correct: 5 }, t, 'classification', 'canary');
    expect(verdicts(few).accuracy).toBe('skipped');
    const mae = analyseWindow({ ...healthy(), labelled: 20, absError: 30 }, { ...healthy(), labelled: 20, absError: 20 }, t, 'regression', 'canary');
    expect(mae.checks[3]).toMatchObject({ name: 'mae', value: 1.5, stableValue: 1, verdict: 'fail' });
  });
});

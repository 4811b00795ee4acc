import { DEFAULT_CANARY_STEPS, DEFAULT_THRESHOLDS, policyProblems, resolvePolicy } from './policy';

const defaults = { strategy: 'canary' as const, intervalSeconds: 30 };

describe('deployment policy', () => {
  it('fills every unset field with its default, keeping explicit zeros', () => {
    const p = resolvePolicy({ modelName: 'm' }, defaults);
    expect(p).toEqual({ modelName: 'm', strategy: 'canary', shadowFirst: false, manual: false, canarySteps: DEFAULT_CANARY_STEPS, intervalSeconds: 30, shadowIntervals: 2, mirrorPercent: undefined, failureLimit: 2, stableFallback: true, thresholds: DEFAULT_THRESHOLDS });
    expect(policyProblems(p)).toEqual([]);
    const q = resolvePolicy({ modelName: 'm', mirrorPercent: 0, thresholds: { maxErrorRate: 0 } }, defaults);
    expect(q.mirrorPercent).toBe(0);
    expect(q.thresholds.maxErrorRate).toBe(0);
    expect(q.thresholds.maxP99LatencyMs).toBe(500);
  });

  it('names every problem of a bad policy', () => {
    const p = resolvePolicy({ modelName: 'm', strategy: 'basic', shadowFirst: true, canarySteps: [10, 50], intervalSeconds: 0, failureLimit: 0, mirrorPercent: 120, thresholds: { maxErrorRate: 2, minRequests: 0 } }, defaults);
    expect(policyProblems(p)).toEqual([
      'canary_steps must end at 100, got [10, 50]',
      'interval_seconds must be between 0.1 and 86400, got 0',
      'mirror_percent must be between 0 and 100, got 120',
      'failure_limit must be a positive integer, got 0',
      'shadow_first applies to the canary strategy only, not basic',
      'thresholds.max_error_rate must be between 0 and 1, got 2',
      'thresholds.min_requests must be a positive integer, got 0',
    ]);
    expect(policyProblems(resolvePolicy({ modelName: 'm', canarySteps: [50, 20, 100] }, defaults))).toEqual(['canary_steps must increase, got [50, 20, 100]']);
    expect(policyProblems(resolvePolicy({ modelName: 'm', canarySteps: [0, 100] }, defaults))).toEqual(['canary_steps must be percentages in (0, 100], got [0, 100]']);
  });

  it('refuses to require labels without mirroring: at 100 % the stable version would have none', () => {
    const labels = { requireLabels: true };
    expect(policyProblems(resolvePolicy({ modelName: 'm', mirrorPercent: 0, thresholds: labels }, defaults))).toEqual([
      'thresholds.require_labels needs mirror_percent above 0: at the last step (100 %) only mirrored requests give the stable version labelled predictions to compare',
    ]);
    expect(policyProblems(resolvePolicy({ modelName: 'm', mirrorPercent: 5, thresholds: labels }, defaults))).toEqual([]);
    expect(policyProblems(resolvePolicy({ modelName: 'm', thresholds: labels }, defaults))).toEqual([]);
  });
});

import { type Deployment, TransitionRefused, afterAnalysis, approved, holdForApproval, initialState, pause, promote, resume, rollback, takesAllTraffic } from './deployment';
import { resolvePolicy } from './policy';

const now = new Date('2026-12-01T12:00:00Z');
const policy = resolvePolicy({ modelName: 'm', canarySteps: [10, 50, 100], intervalSeconds: 5, failureLimit: 2 }, { strategy: 'canary', intervalSeconds: 30 });

function deployment(over: Partial<Deployment> = {}): Deployment {
  const start = initialState('canary', policy, 1, now);
  return { id: 'd1', modelName: 'm', stableVersion: 1, candidateVersion: 2, task: 'classification', failedChecks: 0, window: 1, policy, startedBy: 'registry', correlationId: 'c', createdAt: now, updatedAt: now, ...start, ...over };
}

describe('deployment state machine', () => {
  it('starts a canary at its first step, a shadow with full mirroring, and goes live at once without a stable version', () => {
    expect(initialState('canary', policy, 1, now)).toMatchObject({ strategy: 'canary', state: 'progressing', phase: 'canary', weight: 10, mirrorPercent: 10, nextAnalysisAt: new Date(now.getTime() + 5000) });
    expect(initialState('shadow', policy, 1, now)).toMatchObject({ strategy: 'shadow', phase: 'shadow', weight: 0, mirrorPercent: 100 });
    expect(initialState('canary', { ...policy, shadowFirst: true }, 1, now)).toMatchObject({ strategy: 'canary', phase: 'shadow', weight: 0 });
    expect(initialState('canary', policy, 0, now)).toMatchObject({ strategy: 'basic', state: 'promoting', weight: 100, nextAnalysisAt: null });
    expect(initialState('basic', policy, 3, now)).toMatchObject({ strategy: 'basic', state: 'promoting', weight: 100 });
  });

  it('steps up on each pass and promotes after the last step', () => {
    let d = deployment();
    const weights: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { change } = afterAnalysis(d, 'pass', [], now);
      d = { ...d, ...change };
      weights.push(d.weight);
    }
    expect(weights).toEqual([50, 100, 100]);
    expect(d).toMatchObject({ state: 'promoting', phase: 'done', window: 4, nextAnalysisAt: null });
  });

  it('holds on "wait" in the same window (its measurements add up), counts failures, and rolls back at the failure limit', () => {
    const waited = afterAnalysis(deployment(), 'wait', [], now);
    expect(waited.change).toMatchObject({ window: 1, reason: 'waiting for enough measurements' });
    expect(waited.change.weight).toBeUndefined();
    const once = { ...deployment(), ...afterAnalysis(deployment(), 'fail', ['error_rate 0.5 > 0.01'], now).change };
    expect(once).toMatchObject({ state: 'progressing', failedChecks: 1, weight: 10 });
    const twice = afterAnalysis(once, 'fail', ['divergence 0.9 > 0.1'], now);
    expect(twice).toEqual({ action: 'rolled back', change: expect.objectContaining({ state: 'rolled_back', weight: 0, mirrorPercent: 0, failedChecks: 2, reason: 'rolled back: analysis failed 2 time(s) (divergence 0.9 > 0.1)' }) });
  });

  it('leaves the shadow phase for the canary, or for an operator when the strategy is shadow', () => {
    const shadowFirst = deployment({ ...initialState('canary', { ...policy, shadowFirst: true }, 1, now) });
    const one = { ...shadowFirst, ...afterAnalysis(shadowFirst, 'pass', [], now).change };
    expect(one).toMatchObject({ phase: 'shadow', step: 1 });
    expect(afterAnalysis(one, 'pass', [], now).change).toMatchObject({ phase: 'canary', step: 0, weight: 10, mirrorPercent: 10 });
    const shadow = deployment({ ...initialState('shadow', policy, 1, now), step: 1 });
    expect(afterAnalysis(shadow, 'pass', [], now).change).toMatchObject({ state: 'awaiting_promotion', phase: 'done', nextAnalysisAt: null });
  });

  it('lets operators pause, resume, promote and roll back only where it makes sense', () => {
    const d = deployment();
    const paused = { ...d, ...pause(d, 'look') };
    expect(paused).toMatchObject({ state: 'paused', nextAnalysisAt: null, weight: 10 });
    expect(() => pause(paused, '')).toThrow(TransitionRefused);
    expect(resume(paused, '', now)).toMatchObject({ state: 'progressing', window: 2 });
    expect(() => resume(d, '', now)).toThrow('only a paused deployment can be resumed');
    expect(promote(paused, 'ok')).toMatchObject({ state: 'promoting', weight: 100 });
    expect(rollback(paused, 'no')).toMatchObject({ state: 'rolled_back', weight: 0 });
    expect(rollback({ ...d, state: 'promoting' }, 'stuck')).toMatchObject({ state: 'rolled_back', reason: 'stuck' });
    expect(() => rollback({ ...d, state: 'promoted' }, '')).toThrow('cannot be rolled back');
    expect(() => promote({ ...d, state: 'rolled_back' }, '')).toThrow('cannot be promoted');
  });

  it('holds a change to all traffic for an approval at the weight it had, and promotes once approved', () => {
    // The canary at 50 % passes: its step to 100 % waits instead, still at 50 %.
    const atHalf = deployment({ step: 1, weight: 50 });
    const next = afterAnalysis(atHalf, 'pass', [], now).change;
    expect(takesAllTraffic(atHalf, next)).toBe(true);
    const held = holdForApproval(atHalf, next, now);
    expect(held).toMatchObject({ state: 'awaiting_approval', weight: 50, nextAnalysisAt: new Date(now.getTime() + 5000) });
    expect(held.reason).toMatch(/^awaiting approval: version 2 needs an approver's approval/);
    // A step that stays below 100 % and a rollback are not held.
    const early = deployment({ step: 0, weight: 10 });
    const toHalf = afterAnalysis(early, 'pass', [], now).change;
    expect(holdForApproval(early, toHalf, now)).toBe(toHalf);
    expect(takesAllTraffic(atHalf, rollback(atHalf, 'x'))).toBe(false);
    // An operator's promote is held the same way; the approval lets it go ahead.
    expect(holdForApproval(atHalf, promote(atHalf, 'ship it'), now)).toMatchObject({ state: 'awaiting_approval', weight: 50 });
    const waiting = deployment({ ...held, step: 1 } as Partial<Deployment>);
    expect(approved(waiting)).toMatchObject({ state: 'promoting', weight: 100, mirrorPercent: 0 });
    expect(() => approved(atHalf)).toThrow(TransitionRefused);
    expect(() => rollback(waiting, 'refused')).not.toThrow();
  });
});

import { type TimelineStep, isTerminalStep, renderSagaSummary, renderStepLine, renderTimeline, summarizeSaga } from './timeline';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0, 0);
const step = (s: number, kind: string, service: string, extra: Partial<TimelineStep> = {}): TimelineStep => ({ atMs: T0 + s * 1000, kind, service, modelName: 'churn', version: 0, summary: kind, ...extra });

/** A saga as monitoring records it: alert, request, run, version, a shadow phase, canary steps, promotion. */
const SAGA: TimelineStep[] = [
  step(0, 'drift.detected', 'monitoring', { version: 3, summary: 'data drift in 60% of the features (fare ks 0.001)' }),
  step(0.4, 'training.requested', 'monitoring', { summary: 'retraining requested (drift)' }),
  step(95, 'training.completed', 'training', { summary: 'run 1a2b3c4d (gbdt): roc_auc 0.912; gate passed', details: { gatePassed: 'true' } }),
  step(96.5, 'version.registered', 'registry', { version: 4, summary: 'version 4 registered' }),
  step(97, 'deployment.progressing', 'serving', { version: 4, summary: 'canary progressing: shadow', details: { phase: 'shadow' } }),
  step(157, 'deployment.progressing', 'serving', { version: 4, summary: 'canary progressing: version 4 at 10%', details: { phase: 'canary' } }),
  step(277, 'deployment.progressing', 'serving', { version: 4, summary: 'canary progressing: version 4 at 50%', details: { phase: 'canary' } }),
  step(337, 'deployment.promoting', 'serving', { version: 4 }),
  step(337.2, 'deployment.promoted', 'serving', { version: 4, summary: 'canary promoted: version 4 at 100%' }),
];

describe('timeline lines', () => {
  it('prints time, elapsed since the first step, service, kind, version and summary in fixed columns', () => {
    const lines = renderTimeline([...SAGA].reverse(), { utc: true });
    expect(lines[0]).toBe('10:00:00.000 +0ms      monitoring    drift.detected             v3   data drift in 60% of the features (fare ks 0.001)');
    expect(lines[1]).toBe('10:00:00.400 +400ms    monitoring    training.requested              retraining requested (drift)');
    expect(lines[3]).toBe('10:01:36.500 +1m36s    registry      version.registered         v4   version 4 registered');
    expect(lines).toHaveLength(SAGA.length);
    // Columns line up whatever the content.
    expect(new Set(lines.map((l) => l.indexOf(l.split(/\s+/)[2])))).toEqual(new Set([23]));
  });

  it('counts elapsed time from the given first step (lines printed one by one)', () => {
    expect(renderStepLine(SAGA[8], SAGA[0].atMs, { utc: true })).toContain('+5m37s ');
  });
});

describe('saga summary', () => {
  it('times each stage from alert to promotion; the deployment stage starts at the first canary step', () => {
    const summary = summarizeSaga(SAGA);
    expect(summary.stages.map((s) => [s.stage, s.durationMs])).toEqual([
      ['alert → training requested', 400],
      ['training requested → training completed', 94_600],
      ['training completed → version registered', 1500],
      ['version registered → deployment progressing', 60_500],
      ['deployment progressing → promoted', 180_200],
    ]);
    expect(summary).toMatchObject({ totalMs: 337_200, outcome: 'promoted', version: 4 });
    expect(renderSagaSummary(summary).split('\n')).toEqual([
      'STAGE                                         TOOK',
      'alert → training requested                   400ms',
      'training requested → training completed      1m34s',
      'training completed → version registered       1.5s',
      'version registered → deployment progressing  1m00s',
      'deployment progressing → promoted            3m00s',
      'total 5m37s: promoted (version 4)',
    ]);
  });

  it('leaves stages that did not happen open and says how the saga ended', () => {
    const failed = summarizeSaga([SAGA[0], SAGA[1], step(30, 'training.failed', 'training', { summary: 'training failed: no rows' })]);
    expect(failed.outcome).toBe('training failed');
    expect(failed.stages.map((s) => s.durationMs)).toEqual([400, 29_600, undefined, undefined, undefined]);
    expect(failed.stages[1].stage).toBe('training requested → training failed');
    expect(renderSagaSummary(failed)).toMatch(/training failed → version registered +–\n/);

    const rolledBack = summarizeSaga([...SAGA.slice(0, 6), step(200, 'deployment.rolled_back', 'serving', { version: 4 })]);
    expect(rolledBack.outcome).toBe('rolled back');
    expect(rolledBack.stages[4]).toMatchObject({ stage: 'deployment progressing → rolled back', durationMs: 43_000 });

    expect(summarizeSaga(SAGA.slice(0, 3)).outcome).toBe('in progress');
    expect(summarizeSaga([]).totalMs).toBe(0);
  });

  it('a saga started by hand has no alert stage but times the rest', () => {
    const manual = summarizeSaga(SAGA.slice(1));
    expect(manual.stages[0].durationMs).toBeUndefined();
    expect(manual.stages[1].durationMs).toBe(94_600);
  });

  it('knows which steps end a saga', () => {
    expect(isTerminalStep(SAGA[8])).toBe(true);
    expect(isTerminalStep(SAGA[7])).toBe(false);
    expect(isTerminalStep(step(1, 'training.completed', 'training', { details: { gatePassed: 'false' } }))).toBe(true);
    expect(isTerminalStep(SAGA[2])).toBe(false);
  });
});

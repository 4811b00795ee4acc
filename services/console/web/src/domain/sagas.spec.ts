import type { Saga, TimelineStep } from '../api/types';
import { alertOutcome, mergeStep, reconcile } from './sagas';

const step = (atMs: number, kind: string, extra: Partial<TimelineStep> = {}): TimelineStep => ({ atMs, kind, service: 's', modelName: 'm', version: 0, summary: kind, details: {}, ...extra });

describe('mergeStep', () => {
  it('adds a live step to its saga in the saga order and recomputes the outcome', () => {
    let sagas: Saga[] = [];
    sagas = mergeStep(sagas, 'c1', step(1000, 'training.requested'));
    sagas = mergeStep(sagas, 'c1', step(1000, 'drift.detected'));
    sagas = mergeStep(sagas, 'c1', step(3000, 'deployment.promoted', { version: 2, details: { phase: 'done' } }));
    expect(sagas).toHaveLength(1);
    expect(sagas[0].steps.map((s) => s.kind)).toEqual(['drift.detected', 'training.requested', 'deployment.promoted']);
    expect(sagas[0].summary.outcome).toBe('promoted');
    expect(sagas[0].summary.totalMs).toBe(2000);
  });

  it('keeps a step once, however often it arrives', () => {
    const once = mergeStep([], 'c1', step(1, 'version.registered', { version: 2 }));
    expect(mergeStep(once, 'c1', step(1, 'version.registered', { version: 2 }))).toBe(once);
  });

  it('puts the saga that moved on top and keeps at most the limit', () => {
    let sagas: Saga[] = [];
    for (let i = 0; i < 4; i++) sagas = mergeStep(sagas, `c${i}`, step(i, 'drift.detected'), 3);
    expect(sagas.map((s) => s.correlationId)).toEqual(['c3', 'c2', 'c1']);
    expect(mergeStep(sagas, 'c1', step(10, 'training.requested'), 3).map((s) => s.correlationId)).toEqual(['c1', 'c3', 'c2']);
    expect(mergeStep(sagas, '', step(10, 'training.requested'))).toBe(sagas);
  });
});

describe('reconcile', () => {
  it('keeps the live steps a fresh read does not have yet', () => {
    const live = mergeStep(mergeStep([], 'c1', step(1, 'drift.detected')), 'c1', step(2, 'training.requested'));
    const fetched = mergeStep([], 'c1', step(1, 'drift.detected'));
    expect(reconcile(fetched, live)[0].steps.map((s) => s.kind)).toEqual(['drift.detected', 'training.requested']);
    expect(reconcile(fetched, undefined)).toBe(fetched);
  });
});

describe('alertOutcome', () => {
  it('says an alert that asked for no retraining led to none', () => {
    expect(alertOutcome({ retrainRequested: false })).toBe('no retraining');
    expect(alertOutcome({ retrainRequested: true })).toBe('in progress');
    expect(alertOutcome({ retrainRequested: true, saga: { stages: [], totalMs: 0, outcome: 'rolled back' } })).toBe('rolled back');
  });
});

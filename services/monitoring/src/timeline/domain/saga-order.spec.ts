import { inSagaOrder, mostRecentlyActiveFirst } from './saga-order';

const step = (atMs: number, kind: string, id = kind) => ({ at: new Date(atMs), kind, id });

describe('saga order', () => {
  it('puts steps by time, steps of the same millisecond in the saga order, the rest as they came', () => {
    const steps = [step(5, 'training.requested'), step(5, 'drift.detected'), step(9, 'deployment.progressing', 'a'), step(9, 'deployment.progressing', 'b'), step(1, 'something.else')];
    expect(inSagaOrder(steps).map((s) => s.id)).toEqual(['something.else', 'drift.detected', 'training.requested', 'a', 'b']);
  });

  it('puts the most recently active saga first, by its latest step', () => {
    const sagas = [
      { correlationId: 'old-start-late-end', steps: [step(1, 'drift.detected'), step(50, 'version.registered')] },
      { correlationId: 'new-start', steps: [step(40, 'drift.detected')] },
      { correlationId: 'tie', steps: [step(40, 'drift.detected')] },
    ];
    expect(mostRecentlyActiveFirst(sagas).map((s) => s.correlationId)).toEqual(['old-start-late-end', 'new-start', 'tie']);
  });
});

import { LabelMemory } from './label-memory';

describe('LabelMemory', () => {
  it('keeps both versions\' predictions of a row until its label takes them, once', () => {
    const memory = new LabelMemory(10);
    memory.remember('r1', 0, 'd', 'classification', 'stable', 1);
    memory.remember('r1', 0, 'd', 'classification', 'candidate', 0);
    expect(memory.take('r1', 0)).toEqual({ deploymentId: 'd', task: 'classification', stable: 1, candidate: 0 });
    expect(memory.take('r1', 0)).toBeUndefined();
  });

  it('forgets the oldest entries past its capacity', () => {
    const memory = new LabelMemory(3);
    for (let i = 0; i < 5; i++) memory.remember(`r${i}`, 0, 'd', 'regression', 'stable', i);
    expect(memory.size).toBe(3);
    expect(memory.take('r0', 0)).toBeUndefined();
    expect(memory.take('r4', 0)?.stable).toBe(4);
    new LabelMemory(0).remember('x', 0, 'd', 'regression', 'stable', 1);
  });
});

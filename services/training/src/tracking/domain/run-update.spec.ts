import { endTimeAfter, runChangeProblem } from './run-update';

describe('UpdateRun', () => {
  const change = (c: Partial<Parameters<typeof endTimeAfter>[1]>) => ({ endTimeMs: 0, runName: '', ...c });

  it('ends a run now, or at the time given; reopening clears the end; an end time alone moves it', () => {
    expect(endTimeAfter(null, change({ status: 'finished' }), 1000)).toBe(1000);
    expect(endTimeAfter(null, change({ status: 'failed', endTimeMs: 900 }), 1000)).toBe(900);
    expect(endTimeAfter(500, change({ status: 'running' }), 1000)).toBeNull();
    expect(endTimeAfter(500, change({ endTimeMs: 700 }), 1000)).toBe(700);
    expect(endTimeAfter(500, change({ runName: 'renamed' }), 1000)).toBe(500);
    expect(endTimeAfter(null, change({}), 1000)).toBeNull();
  });

  it('refuses an end time for a run that stays or becomes RUNNING, and negative times', () => {
    expect(runChangeProblem('running', change({ status: 'finished', endTimeMs: 5 }))).toBeUndefined();
    expect(runChangeProblem('finished', change({ endTimeMs: 5 }))).toBeUndefined();
    expect(runChangeProblem('running', change({ runName: 'x' }))).toBeUndefined();
    expect(runChangeProblem('finished', change({ status: 'running', endTimeMs: 5 }))).toBe('a run set RUNNING has no end time: end_time_ms must be 0');
    expect(runChangeProblem('running', change({ endTimeMs: 5 }))).toBe('end_time_ms needs a status that ends the run (the run is RUNNING)');
    expect(runChangeProblem('running', change({ status: 'finished', endTimeMs: -1 }))).toBe('end_time_ms must be a non-negative number of milliseconds, got -1');
  });
});

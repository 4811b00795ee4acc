import { nextFireAfter, scheduleProblems, trainingSpecProblems } from './training-spec';

describe('training spec validation', () => {
  it('accepts five-field cron expressions with lists, ranges and steps, and the empty schedule', () => {
    for (const ok of ['', '0 3 * * *', '*/15 * * * 1-5', '0 0,12 1 */2 0', '5-10/5 23 31 12 7']) expect(scheduleProblems(ok)).toEqual([]);
  });

  it('names the field that is wrong', () => {
    expect(scheduleProblems('0 3 * *')).toEqual(['schedule "0 3 * *" must have five fields (minute hour day-of-month month day-of-week), has 4']);
    expect(scheduleProblems('60 3 * * *')).toEqual(['schedule "60 3 * * *": minute 60 is outside 0-59']);
    expect(scheduleProblems('0 5-2 * * *')).toEqual(['schedule "0 5-2 * * *": hour range 5-2 runs backwards']);
    expect(scheduleProblems('0 3 * JAN *')).toEqual(['schedule "0 3 * JAN *": month "JAN" is not *, a number, a range a-b, or one of them with /step']);
    expect(scheduleProblems('*/0 * * * *')).toEqual(['schedule "*/0 * * * *": minute step must be at least 1']);
    expect(scheduleProblems('0 0 30 2 *')).toEqual(['schedule "0 0 30 2 *" never fires: no month has the day it names']);
    expect(scheduleProblems('0 0 29 2 *')).toEqual([]);
  });

  it('finds the next firing in UTC, after the given time and never at it', () => {
    const next = (schedule: string, after: string) => nextFireAfter(schedule, new Date(after)).toISOString();
    expect(next('* * * * *', '2026-12-06T22:00:00.000Z')).toBe('2026-12-06T22:01:00.000Z');
    expect(next('* * * * *', '2026-12-06T22:00:30.500Z')).toBe('2026-12-06T22:01:00.000Z');
    expect(next('0 3 * * *', '2026-12-06T22:00:00.000Z')).toBe('2026-12-07T03:00:00.000Z');
    // Saturday 5 December 2026: weekdays only, so Monday's first quarter hour.
    expect(next('*/15 * * * 1-5', '2026-12-05T10:07:00.000Z')).toBe('2026-12-07T00:00:00.000Z');
    // Both day fields restricted: either matches (Friday the 11th comes before the 13th).
    expect(next('0 0 13 * 5', '2026-12-06T00:00:00.000Z')).toBe('2026-12-11T00:00:00.000Z');
    // 7 is Sunday as 0 is; 6 December 2026 is a Sunday.
    expect(next('5-10/5 23 31 12 7', '2026-12-06T00:00:00.000Z')).toBe('2026-12-06T23:05:00.000Z');
    expect(next('0 0 29 2 *', '2026-12-06T00:00:00.000Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('refuses a bad name and per-submission fields in the template', () => {
    const problems = trainingSpecProblems({ name: 'Nightly', job: { modelName: 'm', idempotencyKey: 'k', trigger: 'user' }, schedule: '', description: '' });
    expect(problems).toEqual([
      'name "Nightly" must match ^[a-z][a-z0-9_-]{0,62}$',
      'job.idempotency_key must be empty: each submission of the spec gets its own',
      'job.trigger must be empty: each submission says what triggered it',
    ]);
  });
});

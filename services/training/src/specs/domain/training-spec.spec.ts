import { scheduleProblems, trainingSpecProblems } from './training-spec';

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

/**
 * A training spec: a named job template (the SubmitTrainingJobRequest as proto JSON) and an
 * optional schedule. The service stores schedules but does not run them.
 */
export interface TrainingSpecInput {
  name: string;
  /** The job template, canonical proto JSON (defaults left out). */
  job: Record<string, unknown>;
  schedule: string;
  description: string;
}

export interface StoredTrainingSpec extends TrainingSpecInput {
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const MAX_DESCRIPTION = 4096;

/** Minute, hour, day of month, month, day of week: the ranges each cron field may name. */
const CRON_FIELDS: { name: string; min: number; max: number }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/** Problems of one cron field: `*`, `n`, `a-b`, each optionally `/step`, comma-separated. */
function cronFieldProblems(text: string, field: (typeof CRON_FIELDS)[number]): string[] {
  const problems: string[] = [];
  for (const part of text.split(',')) {
    const match = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!match) {
      problems.push(`${field.name} "${part}" is not *, a number, a range a-b, or one of them with /step`);
      continue;
    }
    const [, , from, to, step] = match;
    for (const n of [from, to].filter((v): v is string => v !== undefined).map(Number)) {
      if (n < field.min || n > field.max) problems.push(`${field.name} ${n} is outside ${field.min}-${field.max}`);
    }
    if (from !== undefined && to !== undefined && Number(from) > Number(to)) problems.push(`${field.name} range ${from}-${to} runs backwards`);
    if (step !== undefined && Number(step) === 0) problems.push(`${field.name} step must be at least 1`);
  }
  return problems;
}

/** Everything wrong with a cron expression (five fields, UTC); empty when it is valid or empty. */
export function scheduleProblems(schedule: string): string[] {
  if (schedule === '') return [];
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return [`schedule "${schedule}" must have five fields (minute hour day-of-month month day-of-week), has ${fields.length}`];
  return fields.flatMap((text, i) => cronFieldProblems(text, CRON_FIELDS[i]!)).map((p) => `schedule "${schedule}": ${p}`);
}

/** Problems of the spec's own fields (the job template is checked as a submission would be). */
export function trainingSpecProblems(spec: TrainingSpecInput): string[] {
  const problems: string[] = [];
  if (!NAME.test(spec.name)) problems.push(`name "${spec.name}" must match ${NAME.source}`);
  if (spec.description.length > MAX_DESCRIPTION) problems.push(`description is longer than ${MAX_DESCRIPTION} characters`);
  if (spec.job.idempotencyKey) problems.push('job.idempotency_key must be empty: each submission of the spec gets its own');
  if (spec.job.trigger) problems.push('job.trigger must be empty: each submission says what triggered it');
  return [...problems, ...scheduleProblems(spec.schedule)];
}

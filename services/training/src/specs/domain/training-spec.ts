import { CronExpressionParser } from 'cron-parser';

/**
 * A training spec: a named job template (the SubmitTrainingJobRequest as proto JSON) and an
 * optional schedule (cron, five fields, UTC) on which the service submits the template
 * (spec-scheduler.ts), as a Kubernetes CronJob runs its job template.
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
  /** When the schedule next fires (null without a schedule, or before the scheduler armed it). */
  nextRunAt: Date | null;
  /** The last firing: when it was due, the job it submitted, or why it submitted none. */
  lastRunAt: Date | null;
  lastJobId: string;
  lastError: string;
}

/**
 * The first time after `after` (exclusive) that a valid, non-empty schedule fires, in UTC. Both
 * day fields restricted means either may match, as in cron and cron-parser.
 */
export function nextFireAfter(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
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
  const problems = fields.flatMap((text, i) => cronFieldProblems(text, CRON_FIELDS[i]!)).map((p) => `schedule "${schedule}": ${p}`);
  if (problems.length > 0) return problems;
  try {
    nextFireAfter(schedule, new Date());
  } catch {
    return [`schedule "${schedule}" never fires: no month has the day it names`];
  }
  return [];
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

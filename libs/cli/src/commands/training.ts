import { readFileSync } from 'node:fs';
import { training } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { CliError, EXIT_FAILURE, UsageError } from '../errors';
import { JOB_TERMINAL_STATUSES, type JobProgress, jobProgress } from '../job-progress';
import { enumLabel, formatClock, formatDateTime, formatDuration, formatMap, shortId } from '../render/format';
import { ProgressReporter } from '../render/progress';
import { renderKeyValues } from '../render/table';
import { LIMIT_OPTION, emit, sections, table } from './shared';

type Run = Wire<training.Run>;
type Job = Wire<training.TrainingJob>;

const runsList: CommandSpec = {
  path: 'runs list',
  summary: 'tracked runs (SearchRuns), newest first',
  options: {
    experiment: { type: 'string', multiple: true, valueName: 'name', description: 'only runs of this experiment (repeatable)' },
    filter: { type: 'string', valueName: 'expr', description: "MLflow-style filter, e.g. \"metrics.accuracy > 0.9 and params.algorithm = 'gbdt'\"" },
    'order-by': { type: 'string', multiple: true, valueName: 'key', description: 'e.g. "metrics.accuracy DESC" (repeatable)' },
    ...LIMIT_OPTION,
  },
  async run(ctx, input) {
    const request = { experiments: input.strs('experiment'), filter: input.str('filter') ?? '', orderBy: input.strs('order-by'), maxResults: input.num('limit') ?? 0 };
    const response = await ctx.clients.training.call<{ runs: Run[] }>('SearchRuns', request);
    emit(ctx, response, () =>
      table(ctx, [{ header: 'run' }, { header: 'experiment' }, { header: 'name' }, { header: 'status' }, { header: 'started' }, { header: 'took', align: 'right' }, { header: 'metrics', flex: true }],
        response.runs.map((r) => [r.runId, r.experiment, r.runName, enumLabel(r.status, 'RUN_STATUS_'), formatDateTime(r.startTimeMs), r.endTimeMs ? formatDuration(r.endTimeMs - r.startTimeMs) : '', formatMap(r.metrics, 3)]), 'no runs'),
    );
  },
};

function renderRun(ctx: CommandContext, r: Run): string {
  const repro = r.reproducibility;
  return sections(
    renderKeyValues([
      ['run', r.runId], ['experiment', r.experiment], ['name', r.runName], ['status', enumLabel(r.status, 'RUN_STATUS_')],
      ['started', formatDateTime(r.startTimeMs)], ['ended', formatDateTime(r.endTimeMs) || '(running)'],
      ['params', formatMap(r.params)], ['tags', formatMap(r.tags) || undefined],
      ['snapshot hash', repro?.snapshotContentHash || undefined], ['seed', repro?.seed], ['code version', repro?.codeVersion || undefined],
    ]),
    table(ctx, [{ header: 'metric' }, { header: 'value', align: 'right' }], Object.entries(r.metrics).sort(([a], [b]) => a.localeCompare(b)), ''),
    table(ctx, [{ header: 'artifact' }, { header: 'sha256' }, { header: 'size', align: 'right' }], r.artifacts.map((a) => [a.path, a.sha256, a.size]), ''),
  );
}

const runsGet: CommandSpec = {
  path: 'runs get',
  summary: 'a run: params, latest metrics, artifacts, reproducibility record',
  args: [{ name: 'id' }],
  async run(ctx, input) {
    const run = await ctx.clients.training.call<Run>('GetRun', { runId: input.arg('id') });
    emit(ctx, run, () => renderRun(ctx, run));
  },
};

const jobsList: CommandSpec = {
  path: 'jobs list',
  summary: 'training jobs, newest first',
  options: { model: { type: 'string', valueName: 'name', description: 'only jobs of this model' }, ...LIMIT_OPTION },
  async run(ctx, input) {
    const response = await ctx.clients.training.call<{ jobs: Job[] }>('ListTrainingJobs', { modelName: input.str('model') ?? '', limit: input.num('limit') ?? 0 });
    emit(ctx, response, () =>
      table(ctx, [{ header: 'job' }, { header: 'model' }, { header: 'status' }, { header: 'gate' }, { header: 'submitted' }, { header: 'took', align: 'right' }, { header: 'message', flex: true }],
        response.jobs.map((j) => [j.jobId, j.modelName, enumLabel(j.status, 'JOB_STATUS_'), gateOf(j), formatDateTime(j.createdAtMs), j.finishedAtMs ? formatDuration(j.finishedAtMs - j.createdAtMs) : '', j.statusMessage]), 'no training jobs'),
    );
  },
};

function gateOf(j: Job): string {
  if (j.status !== 'JOB_STATUS_SUCCEEDED') return '';
  return j.gatePassed ? 'passed' : 'failed';
}

function renderJob(j: Job): string {
  return renderKeyValues([
    ['job', j.jobId], ['model', j.modelName], ['status', enumLabel(j.status, 'JOB_STATUS_')], ['message', j.statusMessage || undefined],
    ['idempotency key', j.idempotencyKey], ['attempts', j.attempts], ['snapshot', j.snapshotId || undefined],
    ['winning run', j.runId || undefined], ['trials', j.trialRunIds.length ? j.trialRunIds.map((id) => shortId(id)).join(', ') : undefined],
    ['metrics', formatMap(j.metrics) || undefined], ['production metrics', formatMap(j.productionMetrics) || undefined],
    ['gate', j.status === 'JOB_STATUS_SUCCEEDED' ? `${j.gatePassed ? 'passed' : 'failed'}${j.gateReason ? `: ${j.gateReason}` : ''}` : undefined],
    ['artifact', j.artifactSha256 || undefined], ['submitted', formatDateTime(j.createdAtMs)], ['finished', formatDateTime(j.finishedAtMs) || undefined],
  ]);
}

const jobsGet: CommandSpec = {
  path: 'jobs get',
  summary: 'a training job: status, winning run, metrics against production, gate',
  args: [{ name: 'id' }],
  async run(ctx, input) {
    const job = await ctx.clients.training.call<Job>('GetTrainingJob', { jobId: input.arg('id') });
    emit(ctx, job, () => renderJob(job));
  },
};

/** The spec file as a SubmitTrainingJobRequest: proto JSON (snake_case or camelCase, enum names),
 * checked field by field so a misspelt key is an error rather than silently dropped. */
export function readJobSpec(file: string, readStdin: () => string = () => readFileSync(0, 'utf8')): Record<string, unknown> {
  let text: string;
  try {
    text = file === '-' ? readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, 'jobs submit');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`, 'jobs submit');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`${file} must hold one JSON object (a SubmitTrainingJobRequest)`, 'jobs submit');
  const known = new Set(Object.keys(training.SubmitTrainingJobRequest.fromPartial({})));
  const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const unknown = Object.keys(json).filter((k) => !known.has(camel(k)));
  if (unknown.length) throw new UsageError(`${file}: unknown field(s) ${unknown.join(', ')} (fields of mlops.training.v1.SubmitTrainingJobRequest: ${[...known].join(', ')})`, 'jobs submit');
  return training.SubmitTrainingJobRequest.toJSON(training.SubmitTrainingJobRequest.fromJSON(json)) as Record<string, unknown>;
}

/** Polls the job until it ends, drawing a progress bar and a line per state change on stderr. */
export async function waitForJob(ctx: CommandContext, job: Job, { intervalMs = 1000, timeoutMs = 0 } = {}): Promise<Job> {
  const reporter = new ProgressReporter(ctx.out.stderr);
  const started = ctx.now();
  let progress: JobProgress = jobProgress(job);
  let status = job.status;
  reporter.log(`${formatClock(started)}  job ${job.jobId} ${enumLabel(status, 'JOB_STATUS_')}`);
  while (!JOB_TERMINAL_STATUSES.includes(job.status)) {
    reporter.update(progress.fraction, progress.label, ctx.now() - started);
    await ctx.sleep(intervalMs);
    if (ctx.signal.aborted) break;
    if (timeoutMs && ctx.now() - started > timeoutMs) {
      reporter.finish();
      throw new CliError(`job ${job.jobId} still ${enumLabel(job.status, 'JOB_STATUS_')} after ${formatDuration(timeoutMs)}; follow it with: mlops jobs get ${job.jobId}`);
    }
    job = await ctx.clients.training.call<Job>('GetTrainingJob', { jobId: job.jobId });
    progress = jobProgress(job, progress);
    if (job.status !== status) {
      reporter.log(`${formatClock(ctx.now())}  ${enumLabel(status, 'JOB_STATUS_')} → ${enumLabel(job.status, 'JOB_STATUS_')}${job.statusMessage ? ` (${job.statusMessage})` : ''}`);
      status = job.status;
    }
  }
  if (JOB_TERMINAL_STATUSES.includes(job.status)) reporter.update(progress.fraction, progress.label, ctx.now() - started);
  reporter.finish();
  return job;
}

const jobsSubmit: CommandSpec = {
  path: 'jobs submit',
  summary: 'submit a training job from a JSON spec; --wait shows its progress',
  description: 'The spec is the request as proto JSON, as in the README\'s grpcurl example. With --wait a progress bar and\nthe job\'s state changes go to stderr until it ends; the exit code is 1 when the job failed.',
  options: {
    file: { type: 'string', short: 'f', valueName: 'spec.json', description: 'the job spec (- for stdin)' },
    wait: { type: 'boolean', description: 'wait for the job to end, showing its progress' },
    interval: { type: 'number', valueName: 'seconds', description: 'how often to poll with --wait (default 1)' },
    timeout: { type: 'number', valueName: 'seconds', description: 'give up waiting after this long (default: never)' },
  },
  examples: ['mlops jobs submit -f churn-job.json --wait'],
  async run(ctx, input) {
    const file = input.str('file');
    if (!file) throw new UsageError('--file <spec.json> is required', 'jobs submit');
    const request = readJobSpec(file);
    let job = await ctx.clients.training.call<Job>('SubmitTrainingJob', request);
    if (input.flag('wait')) {
      job = await waitForJob(ctx, job, { intervalMs: (input.num('interval') ?? 1) * 1000, timeoutMs: (input.num('timeout') ?? 0) * 1000 });
    }
    emit(ctx, job, () => renderJob(job));
    if (job.status === 'JOB_STATUS_FAILED') {
      ctx.out.note(`error: job ${job.jobId} failed: ${job.statusMessage}`);
      return EXIT_FAILURE;
    }
    if (ctx.signal.aborted) ctx.out.note(`stopped waiting; the job goes on: mlops jobs get ${job.jobId}`);
  },
};

export const TRAINING_COMMANDS: CommandSpec[] = [runsList, runsGet, jobsList, jobsGet, jobsSubmit];

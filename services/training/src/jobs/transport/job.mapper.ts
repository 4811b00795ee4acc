import { training } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import type { Algorithm, JobSpec } from '../domain/job-spec';
import type { Job, JobStatus } from '../jobs.repository';

const ALGORITHMS = new Map<number, Algorithm>([
  [training.Algorithm.ALGORITHM_LOGISTIC_REGRESSION, 'logistic_regression'],
  [training.Algorithm.ALGORITHM_LINEAR_REGRESSION, 'linear_regression'],
  [training.Algorithm.ALGORITHM_GRADIENT_BOOSTED_TREES, 'gradient_boosted_trees'],
]);
const STATUS: Record<JobStatus, training.JobStatus> = {
  queued: training.JobStatus.JOB_STATUS_QUEUED,
  running: training.JobStatus.JOB_STATUS_RUNNING,
  succeeded: training.JobStatus.JOB_STATUS_SUCCEEDED,
  failed: training.JobStatus.JOB_STATUS_FAILED,
};

export function toJobSpec(r: training.SubmitTrainingJobRequest): JobSpec {
  const algorithm = ALGORITHMS.get(r.algorithm);
  if (!algorithm) throw invalidArgument('algorithm must be LOGISTIC_REGRESSION, LINEAR_REGRESSION or GRADIENT_BOOSTED_TREES');
  const problem = algorithm === 'linear_regression' || r.task === 'regression' ? 'regression' : 'classification';
  if (r.task && !['classification', 'regression'].includes(r.task)) throw invalidArgument(`task must be classification or regression, not "${r.task}"`);
  return {
    modelName: r.modelName,
    featureView: r.featureView,
    featureViewVersion: r.featureViewVersion,
    snapshotId: r.snapshotId,
    datasetVersion: r.datasetVersion,
    cutDatasetVersion: r.cutDatasetVersion,
    fromTimeMs: Number(r.fromTimeMs),
    toTimeMs: Number(r.toTimeMs),
    algorithm,
    problem,
    hyperparameters: r.hyperparameters ?? {},
    grid: Object.fromEntries(Object.entries(r.search?.grid ?? {}).map(([k, v]) => [k, v.values ?? []])),
    ranges: Object.fromEntries(Object.entries(r.search?.ranges ?? {}).map(([k, v]) => [k, { min: v.min, max: v.max, logScale: v.logScale, integer: v.integer }])),
    trials: r.search?.trials ?? 0,
    validationFraction: r.validationFraction || 0.15,
    testFraction: r.testFraction || 0.15,
    seed: Number(r.seed) || 42,
    gateMetric: r.gate?.metric || (problem === 'regression' ? 'rmse' : 'accuracy'),
    gateMaxDegradation: r.gate?.maxDegradation ?? 0,
    experiment: r.experiment,
    trigger: r.trigger || 'user',
    refit: r.refit ?? true,
    threads: r.threads || 1,
  };
}

export function toJobMessage(job: Job): training.TrainingJob {
  return {
    jobId: job.jobId,
    idempotencyKey: job.idempotencyKey,
    modelName: job.spec.modelName,
    status: STATUS[job.status],
    statusMessage: job.statusMessage,
    runId: job.runId,
    trialRunIds: job.trialRunIds,
    snapshotId: job.snapshotId,
    metrics: job.metrics,
    productionMetrics: job.productionMetrics,
    gatePassed: job.gatePassed,
    gateReason: job.gateReason,
    artifactSha256: job.artifactSha256,
    attempts: job.attempts,
    createdAtMs: new Date(job.createdAt).getTime(),
    finishedAtMs: job.finishedAt ? new Date(job.finishedAt).getTime() : 0,
  };
}

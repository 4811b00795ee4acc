import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@mlops/contracts';
import { isDomainError } from '@mlops/errors';
import { Outbox, OutboxRelay, sleep } from '@mlops/messaging';
import { INSTANCE } from '@mlops/nest-platform';
import { JsonLogger, withCorrelation } from '@mlops/observability';
import { TRAINING_CONFIG, type TrainingConfig } from '../config/training.config';
import { JobPipeline, type PipelineResult } from './job-pipeline';
import { type Job, JobsRepository } from './jobs.repository';

/**
 * Runs queued jobs one at a time per process. A job's end (succeeded or failed) and the event
 * announcing it are one transaction; a worker that dies mid-job stops heartbeating, and the job
 * is failed cleanly by whichever worker looks next (this one, after a restart). Because the
 * registry registers versions only from completed-run events, a dead worker registers nothing.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  private readonly worker = `training-${INSTANCE.id.slice(0, 8)}`;

  constructor(
    private readonly repository: JobsRepository,
    private readonly pipeline: JobPipeline,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workerEnabled) return;
    this.running = true;
    this.loop = this.work();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async work(): Promise<void> {
    while (this.running) {
      try {
        await this.reapStale();
        const job = await this.repository.claim(this.worker);
        // The job runs under the correlation id of what submitted it (a new one for old jobs).
        if (job) await withCorrelation(job.correlationId || undefined, () => this.execute(job));
        else await sleep(this.config.pollMs);
      } catch (error) {
        this.logger.warn('job loop failed, retrying', { error });
        await sleep(1000);
      }
    }
  }

  private async execute(job: Job): Promise<void> {
    this.logger.info('training job started', { jobId: job.jobId, model: job.spec.modelName, attempt: job.attempts });
    // Progress sets the job's message; the timer only keeps the claim alive (it once wrote "running"
    // over the message, so a long fit's "trial 2 of 4" showed for at most one heartbeat).
    const progress = (message: string) => this.repository.heartbeat(job.jobId, this.worker, message);
    const timer = setInterval(() => void this.repository.heartbeat(job.jobId, this.worker).catch(() => undefined), this.config.heartbeatMs);
    try {
      const result = await this.pipeline.run(job, progress);
      await this.complete(job, result);
    } catch (error) {
      const message = isDomainError(error) ? error.message : `internal error: ${(error as Error).message}`;
      this.logger.error('training job failed', { jobId: job.jobId, error });
      await this.fail(job.jobId, job.spec.modelName, message);
    } finally {
      clearInterval(timer);
    }
  }

  private async complete(job: Job, result: PipelineResult): Promise<void> {
    const { lineage, featureNames, ...outcome } = result;
    await this.repository.transaction(async (manager) => {
      const status = result.gatePassed ? 'trained; gate passed, registering' : 'trained; gate failed, not registered';
      if (!(await this.repository.finish(manager, job.jobId, 'succeeded', status, outcome))) return;
      await this.outbox.enqueue(manager, Topics.trainingRunCompleted, {
        runId: result.runId, jobId: job.jobId, modelName: job.spec.modelName, artifactSha256: result.artifactSha256, metrics: result.metrics,
        gatePassed: result.gatePassed, gateReason: result.gateReason, snapshotId: result.snapshotId, ...lineage, featureNames, algorithm: job.spec.algorithm,
      }, { key: job.spec.modelName });
    });
    this.relay.nudge();
    this.logger.info('training job succeeded', { jobId: job.jobId, runId: result.runId, gatePassed: result.gatePassed, metrics: result.metrics });
  }

  private async fail(jobId: string, modelName: string, message: string): Promise<void> {
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.finish(manager, jobId, 'failed', message))) return;
      await this.outbox.enqueue(manager, Topics.trainingRunFailed, { runId: '', jobId, modelName, error: message }, { key: modelName });
    });
    this.relay.nudge();
  }

  private async reapStale(): Promise<void> {
    for (const jobId of await this.repository.stale(this.config.staleSeconds)) {
      const job = await this.repository.find(jobId);
      this.logger.warn('training job abandoned by its worker', { jobId });
      await this.fail(jobId, job?.spec.modelName ?? '', `the worker stopped mid-job (no heartbeat for ${this.config.staleSeconds} s); nothing was registered`);
    }
  }
}

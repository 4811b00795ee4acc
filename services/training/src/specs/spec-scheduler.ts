import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { training } from '@mlops/contracts';
import { isDomainError } from '@mlops/errors';
import { JsonLogger, withCorrelation } from '@mlops/observability';
import { TRAINING_CONFIG, type TrainingConfig } from '../config/training.config';
import { JobsService } from '../jobs/jobs.service';
import { toJobSpec } from '../jobs/transport/job.mapper';
import { type StoredTrainingSpec, nextFireAfter } from './domain/training-spec';
import { TrainingSpecsRepository } from './training-specs.repository';

/** Due specs handled per tick; the rest wait for the next one. */
const PER_TICK = 20;

/**
 * Runs training specs' schedules, as a Kubernetes CronJob runs its template: every tick, each
 * spec whose next firing is due submits its job template (trigger "schedule") under a new
 * correlation id, and is armed at its next firing after now. The idempotency key names the spec
 * and the firing, so a firing submits one job even when a tick is retried or two replicas tick
 * at once (due specs are locked with SKIP LOCKED). Firings missed while no replica ran are not
 * made up one by one: the latest is run once, like a CronJob without a starting deadline that
 * finds several missed. A spec that cannot be submitted records why (last_error) and waits for
 * its next firing.
 */
@Injectable()
export class SpecScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;

  constructor(
    private readonly repository: TrainingSpecsRepository,
    private readonly jobs: JobsService,
    private readonly logger: JsonLogger,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.scheduleTickMs === 0) return;
    this.timer = setInterval(() => {
      if (this.tick) return; // the last tick is still working
      this.tick = this.runDue(new Date())
        .catch((error) => this.logger.warn('schedule tick failed, retrying next tick', { error }))
        .finally(() => (this.tick = undefined));
    }, this.config.scheduleTickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }

  /** Fires every spec due at `now`; returns nothing, records each firing on its spec. */
  async runDue(now: Date): Promise<void> {
    await this.repository.transaction(async (manager) => {
      for (const spec of await this.repository.lockDue(manager, now, PER_TICK)) {
        const next = nextFireAfter(spec.schedule, now);
        if (!spec.nextRunAt) {
          await this.repository.arm(manager, spec.name, next); // stored before schedules ran
          continue;
        }
        const { jobId, error } = await this.submit(spec, spec.nextRunAt, now);
        await this.repository.fired(manager, spec.name, { firedAt: spec.nextRunAt, nextRunAt: next, jobId, error });
      }
    });
  }

  private submit(spec: StoredTrainingSpec, firedAt: Date, now: Date): Promise<{ jobId: string; error: string }> {
    return withCorrelation(undefined, async () => {
      try {
        const job = training.SubmitTrainingJobRequest.fromJSON(spec.job);
        const submitted = await this.jobs.submit(`schedule:${spec.name}:${firedAt.getTime()}`, { ...toJobSpec(job), trigger: 'schedule' });
        this.logger.info('scheduled training job submitted', { spec: spec.name, revision: spec.revision, jobId: submitted.jobId, dueAt: firedAt.toISOString(), lateMs: now.getTime() - firedAt.getTime() });
        return { jobId: submitted.jobId, error: '' };
      } catch (error) {
        if (!isDomainError(error)) throw error; // the database or a bug: the tick rolls back and retries
        this.logger.warn('scheduled training job not submitted', { spec: spec.name, dueAt: firedAt.toISOString(), reason: error.message });
        return { jobId: '', error: error.message };
      }
    });
  }
}

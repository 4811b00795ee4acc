import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { invalidArgument, notFound } from '@mlops/errors';
import { JsonLogger, currentCorrelationId } from '@mlops/observability';
import { jobsPageToken, jobsPosition } from './domain/job-page';
import { type JobSpec, specProblems } from './domain/job-spec';
import { type Job, JobsRepository } from './jobs.repository';

/** Training jobs: submitted once per idempotency key, run by the JobRunner. */
@Injectable()
export class JobsService {
  constructor(
    private readonly repository: JobsRepository,
    private readonly logger: JsonLogger,
  ) {}

  async submit(idempotencyKey: string, spec: JobSpec): Promise<Job> {
    const problems = specProblems(spec);
    if (problems.length > 0) throw invalidArgument(`invalid training job: ${problems.join('; ')}`);
    const key = idempotencyKey || randomUUID();
    if (key.length > 200) throw invalidArgument('idempotency_key is longer than 200 characters');
    const jobId = await this.repository.insert(randomUUID(), key, spec, currentCorrelationId() ?? '');
    this.logger.info('training job submitted', { jobId, model: spec.modelName, key });
    return (await this.repository.find(jobId))!;
  }

  async get(jobId: string): Promise<Job> {
    const job = await this.repository.find(jobId);
    if (!job) throw notFound(`training job ${jobId} does not exist`);
    return job;
  }

  /** A page of jobs, newest first; a limit over 1000 is cut to 1000, as before paging. */
  async list(modelName: string, limit: number, pageToken: string): Promise<{ jobs: Job[]; nextPageToken: string }> {
    const after = pageToken ? jobsPosition(pageToken) : undefined;
    const { jobs, next } = await this.repository.list(modelName, limit <= 0 ? 100 : Math.min(limit, 1000), after);
    return { jobs, nextPageToken: next ? jobsPageToken(next) : '' };
  }
}

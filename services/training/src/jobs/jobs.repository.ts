import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows, schemaOf } from '@mlops/persistence';
import type { JobPosition } from './domain/job-page';
import type { JobSpec } from './domain/job-spec';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  jobId: string;
  idempotencyKey: string;
  spec: JobSpec;
  status: JobStatus;
  statusMessage: string;
  runId: string;
  trialRunIds: string[];
  snapshotId: string;
  metrics: Record<string, number>;
  productionMetrics: Record<string, number>;
  gatePassed: boolean;
  gateReason: string;
  artifactSha256: string;
  attempts: number;
  /** Correlation id of what submitted it; the job runs under it. */
  correlationId: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export type JobOutcome = Pick<Job, 'runId' | 'trialRunIds' | 'snapshotId' | 'metrics' | 'productionMetrics' | 'gatePassed' | 'gateReason' | 'artifactSha256'>;

@Injectable()
export class JobsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Inserts the job unless its key was used; returns the job id stored under the key. */
  async insert(jobId: string, key: string, spec: JobSpec, correlationId: string): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO "${this.s}".jobs (job_id, idempotency_key, spec, status, correlation_id) VALUES ($1, $2, $3, 'queued', $4) ON CONFLICT (idempotency_key) DO NOTHING`,
      [jobId, key, JSON.stringify(spec), correlationId],
    );
    const [row] = await this.dataSource.query(`SELECT job_id FROM "${this.s}".jobs WHERE idempotency_key = $1`, [key]);
    return row.job_id;
  }

  async find(jobId: string): Promise<Job | undefined> {
    const [row] = /^[0-9a-f-]{36}$/.test(jobId) ? await this.dataSource.query(`SELECT * FROM "${this.s}".jobs WHERE job_id = $1`, [jobId]) : [];
    return row && toJob(row);
  }

  /** Jobs newest first (job id breaking ties), after the given one; `next` is set when more follow. */
  async list(modelName: string, limit: number, after?: JobPosition): Promise<{ jobs: Job[]; next?: JobPosition }> {
    const params: unknown[] = [modelName, limit + 1];
    if (after) params.push(after.createdMicros, after.jobId);
    const start = after ? `AND (created_at, job_id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid)` : '';
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros FROM "${this.s}".jobs
       WHERE ($1 = '' OR spec->>'modelName' = $1) ${start} ORDER BY created_at DESC, job_id DESC LIMIT $2`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { jobs: page.map(toJob), next: rows.length > limit ? { createdMicros: String(last.created_micros), jobId: last.job_id as string } : undefined };
  }

  /** The spec of the model's latest successful job: how to retrain it. */
  async latestSuccessfulSpec(modelName: string): Promise<JobSpec | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT spec FROM "${this.s}".jobs WHERE spec->>'modelName' = $1 AND status = 'succeeded' ORDER BY created_at DESC LIMIT 1`,
      [modelName],
    );
    return row?.spec;
  }

  /** Claims the oldest queued job for this worker (SKIP LOCKED: replicas never take the same one). */
  async claim(worker: string): Promise<Job | undefined> {
    const rows = await this.dataSource.query(
      `UPDATE "${this.s}".jobs SET status = 'running', worker = $1, heartbeat_at = now(), attempts = attempts + 1, started_at = now()
       WHERE job_id = (SELECT job_id FROM "${this.s}".jobs WHERE status = 'queued' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING *`,
      [worker],
    );
    const [row] = returnedRows(rows);
    return row && toJob(row);
  }

  /** Keeps a running job claimed by its worker; with a message, also says what it is doing now. */
  async heartbeat(jobId: string, worker: string, message?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "${this.s}".jobs SET heartbeat_at = now(), status_message = COALESCE($3, status_message) WHERE job_id = $1 AND worker = $2 AND status = 'running'`,
      [jobId, worker, message ?? null],
    );
  }

  /** Running jobs whose worker stopped sending heartbeats (it died mid-job). */
  async stale(seconds: number): Promise<string[]> {
    const rows: { job_id: string }[] = await this.dataSource.query(
      `SELECT job_id FROM "${this.s}".jobs WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [seconds],
    );
    return rows.map((r) => r.job_id);
  }

  /** Ends a job; false when it was no longer running (another worker or the reaper ended it). */
  async finish(manager: EntityManager, jobId: string, status: 'succeeded' | 'failed', message: string, outcome?: JobOutcome): Promise<boolean> {
    const rows = await manager.query(
      `UPDATE "${this.s}".jobs SET status = $2, status_message = $3, outcome = coalesce($4, outcome), finished_at = now()
       WHERE job_id = $1 AND status = 'running' RETURNING job_id`,
      [jobId, status, message, outcome ? JSON.stringify(outcome) : null],
    );
    return returnedRows(rows).length > 0;
  }
}

function toJob(row: Record<string, unknown>): Job {
  const outcome = (row.outcome ?? {}) as Partial<JobOutcome>;
  return {
    jobId: row.job_id as string,
    idempotencyKey: row.idempotency_key as string,
    spec: row.spec as JobSpec,
    status: row.status as JobStatus,
    statusMessage: row.status_message as string,
    runId: outcome.runId ?? '',
    trialRunIds: outcome.trialRunIds ?? [],
    snapshotId: outcome.snapshotId ?? '',
    metrics: outcome.metrics ?? {},
    productionMetrics: outcome.productionMetrics ?? {},
    gatePassed: outcome.gatePassed ?? false,
    gateReason: outcome.gateReason ?? '',
    artifactSha256: outcome.artifactSha256 ?? '',
    attempts: row.attempts as number,
    correlationId: (row.correlation_id as string) ?? '',
    createdAt: row.created_at as Date,
    finishedAt: row.finished_at as Date | null,
  };
}

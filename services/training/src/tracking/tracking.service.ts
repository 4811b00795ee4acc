import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { type ArtifactRef, type MetricPoint, type Reproducibility, type Run, type RunStatus, batchProblems } from './domain/run';
import { FilterError, parseFilter, parseOrderBy } from './domain/run-filter';
import { TrackingRepository } from './tracking.repository';

const EXPERIMENT = /^[\x20-\x7e]{1,200}$/;

/** Experiments and runs: params (immutable), metric series, tags, artifacts, search. */
@Injectable()
export class TrackingService {
  constructor(private readonly repository: TrackingRepository) {}

  async createExperiment(name: string, tags: Record<string, string>) {
    if (!EXPERIMENT.test(name)) throw invalidArgument('experiment name must be 1 to 200 printable characters');
    const created = await this.repository.transaction((m) => this.repository.ensureExperiment(m, name, tags));
    if (!created) throw alreadyExists(`experiment "${name}" already exists`);
    return this.getExperiment(name);
  }

  async getExperiment(name: string) {
    const found = await this.repository.experiment(name);
    if (!found) throw notFound(`experiment "${name}" does not exist`);
    return found;
  }

  async createRun(experiment: string, runName: string, tags: Record<string, string>, reproducibility: Reproducibility): Promise<Run> {
    if (!EXPERIMENT.test(experiment)) throw invalidArgument('experiment name must be 1 to 200 printable characters');
    const runId = randomUUID();
    await this.repository.transaction(async (m) => {
      await this.repository.ensureExperiment(m, experiment, {});
      await this.repository.insertRun(m, { runId, experiment, runName: runName || runId.slice(0, 8), startTimeMs: Date.now(), tags, reproducibility });
    });
    return this.getRun(runId);
  }

  /** Logs a batch atomically: all of it or (on any problem) none of it. */
  async logBatch(runId: string, metrics: MetricPoint[], params: Record<string, string>, tags: Record<string, string>): Promise<number> {
    const problems = batchProblems(metrics, params, tags);
    if (problems.length > 0) throw invalidArgument(problems.join('; '));
    const now = Date.now();
    const stamped = metrics.map((m) => ({ ...m, timestampMs: m.timestampMs || now }));
    await this.repository.transaction(async (m) => {
      await this.lockActive(m, runId);
      const conflicts = await this.repository.insertParams(m, runId, params);
      if (conflicts.length > 0) {
        const c = conflicts[0];
        throw invalidArgument(`param "${c.key}" was logged as "${c.old}" and cannot change to "${c.new}" (params are immutable)`);
      }
      await this.repository.appendMetrics(m, runId, stamped);
      await this.repository.mergeTags(m, runId, tags);
    });
    return stamped.length;
  }

  async logArtifact(runId: string, artifact: ArtifactRef): Promise<Run> {
    if (!/^[0-9a-f]{64}$/.test(artifact.sha256) || !artifact.path) throw invalidArgument('an artifact needs a path and a sha256 (64 hex digits)');
    await this.repository.transaction(async (m) => {
      await this.lockActive(m, runId);
      await this.repository.addArtifact(m, runId, artifact);
    });
    return this.getRun(runId);
  }

  async updateRun(runId: string, status: RunStatus): Promise<Run> {
    await this.repository.transaction(async (m) => {
      const run = await this.repository.lockRun(m, runId);
      if (!run) throw notFound(`run ${runId} does not exist`);
      await this.repository.setStatus(m, runId, status, status === 'running' ? null : Date.now());
    });
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const [run] = /^[0-9a-f-]{36}$/.test(runId) ? await this.repository.runs([runId]) : [];
    if (!run) throw notFound(`run ${runId} does not exist`);
    return run;
  }

  async metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    await this.getRun(runId);
    return this.repository.metricHistory(runId, key);
  }

  async search(experiments: string[], filter: string, orderBy: string[], maxResults: number): Promise<Run[]> {
    try {
      const ids = await this.repository.search(experiments, parseFilter(filter), parseOrderBy(orderBy), maxResults <= 0 ? 100 : Math.min(maxResults, 1000));
      return this.repository.runs(ids);
    } catch (error) {
      if (error instanceof FilterError) throw invalidArgument(error.message);
      throw error;
    }
  }

  private async lockActive(m: Parameters<Parameters<TrackingRepository['transaction']>[0]>[0], runId: string): Promise<void> {
    const run = /^[0-9a-f-]{36}$/.test(runId) ? await this.repository.lockRun(m, runId) : undefined;
    if (!run) throw notFound(`run ${runId} does not exist`);
    if (run.status !== 'running') throw failedPrecondition(`run ${runId} is ${run.status}; only running runs take new data`);
  }
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { HISTORY_LIMITS, evenIndices, historiesRequestProblem, pointBudgets } from './domain/metric-thinning';
import { experimentsPageToken, experimentsPosition, searchFingerprint, searchOffset, searchPageToken } from './domain/pages';
import { type ArtifactRef, type Experiment, type MetricPoint, type Reproducibility, type Run, type RunMetricHistory, type RunStatus, batchProblems } from './domain/run';
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

  /** A page of experiments, newest first; max_results over 1000 is refused (search, older, cuts it instead). */
  async listExperiments(nameContains: string, maxResults: number, pageToken: string): Promise<{ experiments: Experiment[]; nextPageToken: string }> {
    if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) throw invalidArgument(`max_results must be 0 (for 100) to 1000, got ${maxResults}`);
    const after = pageToken ? experimentsPosition(pageToken) : undefined;
    const { experiments, next } = await this.repository.experiments(nameContains, maxResults || 100, after);
    return { experiments, nextPageToken: next ? experimentsPageToken(next) : '' };
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

  /** One metric of many runs, in the order asked, each series thinned and all within HISTORY_LIMITS. */
  async metricHistories(runIds: string[], key: string, maxPointsPerRun: number): Promise<RunMetricHistory[]> {
    const problem = historiesRequestProblem(runIds, key, maxPointsPerRun);
    if (problem) throw invalidArgument(problem);
    // Postgres gives uuids back in lower case; the answer names each run as it was asked.
    const ids = runIds.map((id) => id.toLowerCase());
    return this.repository.snapshot(async (m) => {
      const counts = await this.repository.metricCounts(m, [...new Set(ids)], key);
      const lengths = ids.map((id) => counts.get(id) ?? 0);
      const budgets = pointBudgets(lengths, maxPointsPerRun || HISTORY_LIMITS.defaultPointsPerRun, HISTORY_LIMITS.maxTotalPoints);
      const positions = new Map(ids.map((id, i) => [id, evenIndices(lengths[i], budgets[i])] as const).filter(([, at]) => at.length > 0));
      const points = await this.repository.metricPointsAt(m, key, positions);
      return runIds.map((runId, i) => ({ runId, metrics: points.get(ids[i]) ?? [], totalPoints: lengths[i] }));
    });
  }

  /**
   * A page of matching runs. max_results over 1000 is cut to 1000 (as before paging), not refused;
   * a page token works only with the experiments, filter and order of the search it came from.
   */
  async search(experiments: string[], filter: string, orderBy: string[], maxResults: number, pageToken: string): Promise<{ runs: Run[]; nextPageToken: string }> {
    const [clauses, order] = parsedSearch(filter, orderBy);
    const limit = maxResults <= 0 ? 100 : Math.min(maxResults, 1000);
    const fingerprint = searchFingerprint(experiments, clauses, order);
    const offset = pageToken ? searchOffset(pageToken, fingerprint) : 0;
    const ids = await this.repository.search(experiments, clauses, order, limit + 1, offset);
    const runs = await this.repository.runs(ids.slice(0, limit));
    return { runs, nextPageToken: ids.length > limit ? searchPageToken(offset + limit, fingerprint) : '' };
  }

  private async lockActive(m: Parameters<Parameters<TrackingRepository['transaction']>[0]>[0], runId: string): Promise<void> {
    const run = /^[0-9a-f-]{36}$/.test(runId) ? await this.repository.lockRun(m, runId) : undefined;
    if (!run) throw notFound(`run ${runId} does not exist`);
    if (run.status !== 'running') throw failedPrecondition(`run ${runId} is ${run.status}; only running runs take new data`);
  }
}

function parsedSearch(filter: string, orderBy: string[]) {
  try {
    return [parseFilter(filter), parseOrderBy(orderBy)] as const;
  } catch (error) {
    if (error instanceof FilterError) throw invalidArgument(error.message);
    throw error;
  }
}

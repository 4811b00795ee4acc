import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { pageFrom } from '@mlops/persistence';
import { historyPageSize, historyPositionOf, historyToken } from './domain/history-page';
import { HISTORY_LIMITS, evenIndices, historiesRequestProblem, pointBudgets } from './domain/metric-thinning';
import { parsed } from './domain/filter-tokens';
import { searchFingerprint, searchOffset, searchPageToken } from './domain/pages';
import { DEFAULT_EXPERIMENT_ID, EXPERIMENT_NAME, type ArtifactRef, type MetricPoint, type Reproducibility, type Run, type RunMetricHistory, type ViewType, batchProblems, checkedId } from './domain/run';
import { parseFilter, parseOrderBy } from './domain/run-filter';
import { type RunChange, endTimeAfter, runChangeProblem } from './domain/run-update';
import { ExperimentsRepository } from './experiments.repository';
import { MetricAppender } from './metric-appender';
import { type LockedRun, TrackingRepository } from './tracking.repository';

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A run to start: in the experiment named (created when missing), or the one with the id, or "Default". */
export interface NewRun {
  experiment?: string;
  experimentId?: string;
  runName: string;
  tags: Record<string, string>;
  reproducibility: Reproducibility;
  /** 0 or absent: now. */
  startTimeMs?: number;
  /** Who starts it ('' when unknown). */
  userId?: string;
}

export interface RunSearch {
  experiments: string[];
  experimentIds: string[];
  view: ViewType;
  filter: string;
  orderBy: string[];
  maxResults: number;
  pageToken: string;
}

/** Runs: params (immutable), metric series, tags, artifacts, soft deletion, search. */
@Injectable()
export class TrackingService {
  constructor(
    private readonly repository: TrackingRepository,
    private readonly experiments: ExperimentsRepository,
    private readonly appender: MetricAppender,
  ) {}

  async createRun(run: NewRun): Promise<Run> {
    if (run.experiment && run.experimentId) throw invalidArgument('give experiment or experiment_id, not both');
    if (run.experiment && !EXPERIMENT_NAME.test(run.experiment)) throw invalidArgument('experiment name must be 1 to 200 printable characters');
    const startTimeMs = run.startTimeMs ?? 0;
    if (!Number.isSafeInteger(startTimeMs) || startTimeMs < 0) throw invalidArgument(`start_time_ms must be a non-negative number of milliseconds, got ${startTimeMs}`);
    const runId = randomUUID();
    await this.repository.transaction(async (m) => {
      const experimentId = await this.activeExperimentOf(m, run);
      await this.repository.insertRun(m, { runId, experimentId, runName: run.runName || runId.slice(0, 8), userId: run.userId ?? '', startTimeMs: startTimeMs || Date.now(), tags: run.tags, reproducibility: run.reproducibility });
    });
    return this.getRun(runId);
  }

  /** Logs a batch atomically: all of it or (on any problem) none of it. */
  async logBatch(runId: string, metrics: MetricPoint[], params: Record<string, string>, tags: Record<string, string>): Promise<number> {
    const problems = batchProblems(metrics, params, tags);
    if (problems.length > 0) throw invalidArgument(problems.join('; '));
    const now = Date.now();
    const stamped = metrics.map((m) => ({ ...m, timestampMs: m.timestampMs || now }));
    // The step-by-step case (metrics alone) shares its commit with concurrent callers.
    if (stamped.length > 0 && Object.keys(params).length === 0 && Object.keys(tags).length === 0) {
      if (!RUN_ID.test(runId)) throw notFound(`run ${runId} does not exist`);
      await this.appender.append(runId, stamped, activeRunProblem);
      return stamped.length;
    }
    await this.repository.transaction(async (m) => {
      await this.lockActive(m, runId);
      const conflicts = await this.repository.insertParams(m, runId, params);
      // As MLflow: a param logged again must keep its value; the message names each change refused.
      if (conflicts.length > 0) throw invalidArgument(conflicts.map((c) => `param "${c.key}" was logged as "${c.old}" and cannot change to "${c.new}" (params are immutable)`).join('; '));
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

  /** Ends, reopens or renames a run that is not deleted; what the change leaves out stays. */
  async updateRun(runId: string, change: RunChange): Promise<Run> {
    await this.repository.transaction(async (m) => {
      const run = await this.lockExisting(m, runId);
      refuseDeleted(runId, run);
      const problem = runChangeProblem(run.status, change);
      if (problem) throw invalidArgument(problem);
      await this.repository.updateRun(m, runId, { status: change.status ?? run.status, endTimeMs: endTimeAfter(run.endTimeMs, change, Date.now()), runName: change.runName });
    });
    return this.getRun(runId);
  }

  /** Soft delete (searches leave it out unless asked); deleting a deleted run changes nothing. */
  async deleteRun(runId: string): Promise<Run> {
    await this.repository.transaction(async (m) => {
      await this.lockExisting(m, runId);
      await this.repository.setStage(m, runId, 'deleted');
    });
    return this.getRun(runId);
  }

  /** Makes a deleted run active again; not while its experiment is deleted (restore that, and its runs, instead). */
  async restoreRun(runId: string): Promise<Run> {
    await this.repository.transaction(async (m) => {
      const run = await this.lockExisting(m, runId);
      if (run.experimentStage === 'deleted') throw failedPrecondition(`run ${runId} is in experiment ${run.experimentId}, which is deleted: restore the experiment`);
      await this.repository.setStage(m, runId, 'active');
    });
    return this.getRun(runId);
  }

  /** Removes a tag of a run that takes new data; NOT_FOUND when the run has no such tag (as MLflow). */
  async deleteTag(runId: string, key: string): Promise<Run> {
    await this.repository.transaction(async (m) => {
      await this.lockActive(m, runId);
      if (!(await this.repository.deleteTag(m, runId, key))) throw notFound(`run ${runId} has no tag "${key}"`);
    });
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const [run] = RUN_ID.test(runId) ? await this.repository.runs([runId]) : [];
    if (!run) throw notFound(`run ${runId} does not exist`);
    return run;
  }

  /** A page of a metric's values (at most MAX_HISTORY_PAGE, domain/history-page), and the token of the next when more follow. */
  async metricHistory(runId: string, key: string, maxResults = 0, pageToken = ''): Promise<{ metrics: MetricPoint[]; nextPageToken: string }> {
    const limit = historyPageSize(maxResults);
    const after = historyPositionOf(pageToken);
    await this.getRun(runId);
    const { page, nextPageToken } = pageFrom(await this.repository.metricHistory(runId, key, limit + 1, after), limit, (last) => historyToken(last));
    return { metrics: page.map(({ seq: _seq, ...point }) => point), nextPageToken };
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
   * a page token works only with the experiments, view, filter and order of the search it came from.
   */
  async search(q: RunSearch): Promise<{ runs: Run[]; nextPageToken: string }> {
    const [clauses, order] = parsed(() => [parseFilter(q.filter), parseOrderBy(q.orderBy)] as const);
    const scope = { experiments: q.experiments, experimentIds: q.experimentIds.map(checkedId), view: q.view };
    const limit = q.maxResults <= 0 ? 100 : Math.min(q.maxResults, 1000);
    const fingerprint = searchFingerprint(scope, clauses, order);
    const offset = q.pageToken ? searchOffset(q.pageToken, fingerprint) : 0;
    const ids = await this.repository.search(scope, clauses, order, limit + 1, offset);
    const runs = await this.repository.runs(ids.slice(0, limit));
    return { runs, nextPageToken: ids.length > limit ? searchPageToken(offset + limit, fingerprint) : '' };
  }

  /** The id of the run's experiment, share-locked: a delete of it waits for the run, or the run sees the delete. */
  private async activeExperimentOf(m: EntityManager, run: NewRun): Promise<string> {
    let experiment: { experimentId: string; lifecycleStage: string } | undefined;
    if (run.experiment) experiment = await this.experiments.ensure(m, run.experiment);
    else {
      const experimentId = checkedId(run.experimentId || DEFAULT_EXPERIMENT_ID);
      const locked = await this.experiments.lock(m, experimentId, 'share');
      if (!locked) throw notFound(`experiment ${experimentId} does not exist`);
      experiment = { experimentId, lifecycleStage: locked.lifecycleStage };
    }
    if (experiment.lifecycleStage === 'deleted') throw failedPrecondition(`experiment ${experiment.experimentId} is deleted: restore it to add runs`);
    return experiment.experimentId;
  }

  private async lockExisting(m: EntityManager, runId: string): Promise<LockedRun> {
    const run = RUN_ID.test(runId) ? await this.repository.lockRun(m, runId) : undefined;
    if (!run) throw notFound(`run ${runId} does not exist`);
    return run;
  }

  /** Locks a run that takes new data: running, and neither it nor its experiment deleted. */
  private async lockActive(m: EntityManager, runId: string): Promise<void> {
    const run = RUN_ID.test(runId) ? await this.repository.lockRun(m, runId) : undefined;
    const problem = activeRunProblem(runId, run);
    if (problem) throw problem;
  }
}

/** Why a run takes no new data, or undefined when it does (running, and neither it nor its experiment deleted). */
function activeRunProblem(runId: string, run: LockedRun | undefined): Error | undefined {
  if (!run) return notFound(`run ${runId} does not exist`);
  try {
    refuseDeleted(runId, run);
  } catch (error) {
    return error as Error;
  }
  if (run.status !== 'running') return failedPrecondition(`run ${runId} is ${run.status}; only running runs take new data`);
  return undefined;
}

function refuseDeleted(runId: string, run: LockedRun): void {
  if (run.experimentStage === 'deleted') throw failedPrecondition(`run ${runId} is in experiment ${run.experimentId}, which is deleted: restore the experiment first`);
  if (run.lifecycleStage === 'deleted') throw failedPrecondition(`run ${runId} is deleted: restore it first`);
}

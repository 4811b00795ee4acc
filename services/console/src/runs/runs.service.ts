import { Injectable } from '@nestjs/common';
import type { Wire } from '@mlops/client';
import type { training } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import { type Caller, PlatformApi } from '../upstream/platform-api';

export interface RunsQuery {
  experiment: string;
  filter: string;
  orderBy: string[];
  pageSize: number;
  pageToken: string;
}

/** Most run ids a metric-history request may name (the training service's own limit). */
export const MAX_HISTORY_RUNS = 1000;
/** Most runs compared by id (a URL's worth); an experiment's runs are compared up to MAX_COMPARED. */
export const MAX_COMPARED_BY_ID = 100;
export const MAX_COMPARED = 1000;

export interface Comparison {
  runs: Wire<training.Run>[];
  /** More runs matched than MAX_COMPARED. */
  truncated: boolean;
}

/** The Runs pages: experiments, runs (MLflow's search), one run, and metric curves of many runs. */
@Injectable()
export class RunsService {
  constructor(private readonly api: PlatformApi) {}

  experiments(caller: Caller, nameContains: string, pageSize: number, pageToken: string) {
    return this.api.call<Wire<training.ListExperimentsResponse>>(caller, 'training', 'ListExperiments', { nameContains, maxResults: pageSize, pageToken });
  }

  search(caller: Caller, q: RunsQuery) {
    return this.api.call<Wire<training.SearchRunsResponse>>(caller, 'training', 'SearchRuns', {
      experiments: q.experiment ? [q.experiment] : [],
      filter: q.filter,
      orderBy: q.orderBy,
      maxResults: q.pageSize,
      pageToken: q.pageToken,
    });
  }

  /** The runs to compare: by id, or an experiment's (with a filter), up to MAX_COMPARED. */
  async compare(caller: Caller, q: { runIds: string[]; experiment: string; filter: string }): Promise<Comparison> {
    if (q.runIds.length > 0) return { runs: await Promise.all(q.runIds.map((runId) => this.run(caller, runId))), truncated: false };
    if (!q.experiment) throw invalidArgument('name the runs to compare (runs=<id>,<id>) or an experiment (experiment=<name>)');
    const page = await this.search(caller, { experiment: q.experiment, filter: q.filter, orderBy: [], pageSize: MAX_COMPARED, pageToken: '' });
    return { runs: page.runs, truncated: page.nextPageToken !== '' };
  }

  run(caller: Caller, runId: string) {
    return this.api.call<Wire<training.Run>>(caller, 'training', 'GetRun', { runId });
  }

  /** A page of one metric's values (up to 25,000); nextPageToken continues it. */
  history(caller: Caller, runId: string, key: string, pageToken = '') {
    return this.api.call<Wire<training.GetMetricHistoryResponse>>(caller, 'training', 'GetMetricHistory', { runId, key, pageToken });
  }

  histories(caller: Caller, body: { runIds?: unknown; key?: unknown; maxPointsPerRun?: unknown }) {
    const runIds = body.runIds;
    if (!Array.isArray(runIds) || !runIds.every((id) => typeof id === 'string')) throw invalidArgument('runIds must be a list of run ids');
    if (runIds.length > MAX_HISTORY_RUNS) throw invalidArgument(`runIds lists ${runIds.length} runs; at most ${MAX_HISTORY_RUNS}`);
    if (typeof body.key !== 'string' || !body.key) throw invalidArgument('key (the metric) is required');
    const maxPointsPerRun = body.maxPointsPerRun === undefined ? 0 : Number(body.maxPointsPerRun);
    if (!Number.isInteger(maxPointsPerRun) || maxPointsPerRun < 0) throw invalidArgument('maxPointsPerRun must be a whole number');
    return this.api.call<Wire<training.GetMetricHistoriesResponse>>(caller, 'training', 'GetMetricHistories', { runIds, key: body.key, maxPointsPerRun });
  }

  jobs(caller: Caller, modelName: string, pageSize: number, pageToken: string) {
    return this.api.call<Wire<training.ListTrainingJobsResponse>>(caller, 'training', 'ListTrainingJobs', { modelName, limit: pageSize, pageToken });
  }
}

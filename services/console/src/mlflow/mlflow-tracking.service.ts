import { Injectable } from '@nestjs/common';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { type PlatformExperiment, type PlatformMetric, type PlatformRun, mlflowExperiment, mlflowMetric, mlflowRun, mlflowRunInfo, platformRunStatus, platformViewType } from './domain/entities';
import { invalidParameter } from './domain/mlflow-error';
import type { MlflowFields } from './domain/mlflow-fields';

/** MLflow's limits on one log-batch call (mlflow/utils/validation.py), which its clients split batches by. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;
/** The platform's largest page; a larger max_results gets this many and a next_page_token. */
const MAX_PAGE = 1000;
const DEFAULT_EXPERIMENT = '0';

/**
 * MLflow's tracking API (experiments, runs, metrics) on the training service: each MLflow call is
 * one TrainingService call with the caller's token, so its roles decide and its audit log
 * records the person; nothing is stored here.
 */
@Injectable()
export class MlflowTrackingService {
  constructor(private readonly api: PlatformApi) {}

  async createExperiment(caller: Caller, f: MlflowFields) {
    const experiment = await this.training<PlatformExperiment>(caller, 'CreateExperiment', { name: f.required('name', 200), tags: f.tags('tags', 100) });
    return { experiment_id: experiment.experimentId };
  }

  async getExperiment(caller: Caller, f: MlflowFields) {
    return { experiment: mlflowExperiment(await this.training<PlatformExperiment>(caller, 'GetExperiment', { experimentId: f.required('experiment_id', 64) })) };
  }

  async getExperimentByName(caller: Caller, f: MlflowFields) {
    return { experiment: mlflowExperiment(await this.training<PlatformExperiment>(caller, 'GetExperiment', { name: f.required('experiment_name', 200) })) };
  }

  async searchExperiments(caller: Caller, f: MlflowFields) {
    const page = await this.training<{ experiments: PlatformExperiment[]; nextPageToken: string }>(caller, 'ListExperiments', {
      maxResults: Math.min(f.integer('max_results', MAX_PAGE, { min: 1, max: 50_000 }), MAX_PAGE),
      pageToken: f.text('page_token', 2000),
      filter: f.text('filter', 2000),
      orderBy: f.strings('order_by', 10),
      viewType: viewType(f, 'view_type'),
    });
    return { experiments: page.experiments.map(mlflowExperiment), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }

  async updateExperiment(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'UpdateExperiment', { experimentId: f.required('experiment_id', 64), newName: f.required('new_name', 200) });
    return {};
  }

  async deleteExperiment(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'DeleteExperiment', { experimentId: f.required('experiment_id', 64) });
    return {};
  }

  async restoreExperiment(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'RestoreExperiment', { experimentId: f.required('experiment_id', 64) });
    return {};
  }

  async setExperimentTag(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'SetExperimentTag', { experimentId: f.required('experiment_id', 64), key: f.required('key', 250), value: f.text('value', 5000) });
    return {};
  }

  async createRun(caller: Caller, f: MlflowFields) {
    const tags = f.tags('tags', LOG_BATCH_LIMITS.tags);
    const run = await this.training<PlatformRun>(caller, 'CreateRun', {
      experimentId: f.text('experiment_id', 64) || DEFAULT_EXPERIMENT,
      runName: f.text('run_name', 250) || tags['mlflow.runName'] || '',
      startTimeMs: f.integer('start_time', 0, { min: 0 }),
      tags,
    });
    return { run: mlflowRun(run) };
  }

  async getRun(caller: Caller, f: MlflowFields) {
    return { run: mlflowRun(await this.training<PlatformRun>(caller, 'GetRun', { runId: runId(f) })) };
  }

  async updateRun(caller: Caller, f: MlflowFields) {
    const status = f.text('status', 20);
    const platformStatus = status ? platformRunStatus(status) : 'RUN_STATUS_UNSPECIFIED';
    if (!platformStatus) throw invalidParameter(`Invalid value "${status}" for parameter 'status': it must be one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED`);
    const run = await this.training<PlatformRun>(caller, 'UpdateRun', { runId: runId(f), status: platformStatus, endTimeMs: f.integer('end_time', 0, { min: 0 }), runName: f.text('run_name', 250) });
    return { run_info: mlflowRunInfo(run) };
  }

  async deleteRun(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'DeleteRun', { runId: f.required('run_id', 64) });
    return {};
  }

  async restoreRun(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'RestoreRun', { runId: f.required('run_id', 64) });
    return {};
  }

  async searchRuns(caller: Caller, f: MlflowFields) {
    const page = await this.training<{ runs: PlatformRun[]; nextPageToken: string }>(caller, 'SearchRuns', {
      experimentIds: f.strings('experiment_ids', 100),
      filter: f.text('filter', 4000),
      orderBy: f.strings('order_by', 10),
      maxResults: Math.min(f.integer('max_results', MAX_PAGE, { min: 1, max: 50_000 }), MAX_PAGE),
      pageToken: f.text('page_token', 2000),
      runViewType: viewType(f, 'run_view_type'),
    });
    return { runs: page.runs.map(mlflowRun), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }

  async logMetric(caller: Caller, f: MlflowFields) {
    await this.logBatchOf(caller, runId(f), [metricOf(f)], {}, {});
    return {};
  }

  async logParam(caller: Caller, f: MlflowFields) {
    await this.logBatchOf(caller, runId(f), [], { [f.required('key', 250)]: f.text('value', 6000) }, {});
    return {};
  }

  async setTag(caller: Caller, f: MlflowFields) {
    await this.logBatchOf(caller, runId(f), [], {}, { [f.required('key', 250)]: f.text('value', 8000) });
    return {};
  }

  async deleteTag(caller: Caller, f: MlflowFields) {
    await this.training(caller, 'DeleteTag', { runId: f.required('run_id', 64), key: f.required('key', 250) });
    return {};
  }

  async logBatch(caller: Caller, f: MlflowFields) {
    const metrics = f.objects('metrics', LOG_BATCH_LIMITS.metrics).map(metricOf);
    const params = f.objects('params', LOG_BATCH_LIMITS.params);
    const tags = f.objects('tags', LOG_BATCH_LIMITS.tags);
    const total = metrics.length + params.length + tags.length;
    if (total > LOG_BATCH_LIMITS.total) throw invalidParameter(`A batch logging request can contain at most ${LOG_BATCH_LIMITS.total} metrics, params, and tags in total. Got ${total}.`);
    const paramMap: Record<string, string> = {};
    for (const p of params) {
      const key = p.required('key', 250);
      const value = p.text('value', 6000);
      if (key in paramMap && paramMap[key] !== value) throw invalidParameter(`Duplicate parameter keys have been submitted: ${key} with different values`);
      paramMap[key] = value;
    }
    const tagMap: Record<string, string> = {};
    for (const t of tags) tagMap[t.required('key', 250)] = t.text('value', 8000);
    await this.logBatchOf(caller, f.required('run_id', 64), metrics, paramMap, tagMap);
    return {};
  }

  async metricHistory(caller: Caller, f: MlflowFields) {
    const history = await this.training<{ metrics: PlatformMetric[]; nextPageToken: string }>(caller, 'GetMetricHistory', {
      runId: runId(f),
      key: f.required('metric_key', 250),
      maxResults: f.integer('max_results', 0, { min: 0, max: 25_000 }),
      pageToken: f.text('page_token', 200),
    });
    return { metrics: history.metrics.map(mlflowMetric), ...(history.nextPageToken ? { next_page_token: history.nextPageToken } : {}) };
  }

  private logBatchOf(caller: Caller, id: string, metrics: PlatformMetric[], params: Record<string, string>, tags: Record<string, string>) {
    return this.training(caller, 'LogBatch', { runId: id, metrics, params, tags });
  }

  private training<T = unknown>(caller: Caller, method: string, request: object): Promise<T> {
    return this.api.call<T>(caller, 'training', method, request);
  }
}

/** run_id, or run_uuid as older clients (the Java client sends both) name it. */
function runId(f: MlflowFields): string {
  return f.oneOf(['run_id', 'run_uuid'], 64);
}

function metricOf(f: MlflowFields): PlatformMetric {
  return { key: f.required('key', 250), value: f.requiredNumber('value'), step: f.integer('step', 0), timestampMs: f.integer('timestamp', Date.now(), { min: 0 }) };
}

function viewType(f: MlflowFields, name: string): string {
  const raw = f.text(name, 20);
  const type = platformViewType(raw);
  if (!type) throw invalidParameter(`Invalid value "${raw}" for parameter '${name}': it must be ACTIVE_ONLY, DELETED_ONLY or ALL`);
  return type;
}

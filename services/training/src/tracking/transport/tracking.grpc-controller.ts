import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { training } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import type { Experiment, Run, RunStatus } from '../domain/run';
import { TrackingService } from '../tracking.service';

const STATUS: [training.RunStatus, RunStatus][] = [
  [training.RunStatus.RUN_STATUS_RUNNING, 'running'],
  [training.RunStatus.RUN_STATUS_FINISHED, 'finished'],
  [training.RunStatus.RUN_STATUS_FAILED, 'failed'],
  [training.RunStatus.RUN_STATUS_KILLED, 'killed'],
];
const TO_DOMAIN = new Map(STATUS);
const TO_PROTO = new Map(STATUS.map(([p, d]) => [d, p]));

@Controller()
export class TrackingGrpcController {
  constructor(private readonly tracking: TrackingService) {}

  @GrpcMethod('TrainingService', 'CreateExperiment')
  async createExperiment(r: training.CreateExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.tracking.createExperiment(r.name, r.tags ?? {}));
  }

  @GrpcMethod('TrainingService', 'GetExperiment')
  async getExperiment(r: training.GetExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.tracking.getExperiment(r.name));
  }

  @GrpcMethod('TrainingService', 'ListExperiments')
  async listExperiments(r: training.ListExperimentsRequest): Promise<training.ListExperimentsResponse> {
    const page = await this.tracking.listExperiments(r.nameContains ?? '', r.maxResults ?? 0, r.pageToken ?? '');
    return { experiments: page.experiments.map(toExperiment), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod('TrainingService', 'CreateRun')
  async createRun(r: training.CreateRunRequest): Promise<training.Run> {
    const rep = r.reproducibility;
    return toRun(await this.tracking.createRun(r.experiment, r.runName, r.tags ?? {}, { snapshotContentHash: rep?.snapshotContentHash ?? '', seed: Number(rep?.seed ?? 0), codeVersion: rep?.codeVersion ?? '', packages: rep?.packages ?? {} }));
  }

  @GrpcMethod('TrainingService', 'LogBatch')
  async logBatch(r: training.LogBatchRequest): Promise<training.LogBatchResponse> {
    const metrics = (r.metrics ?? []).map((m) => ({ key: m.key, value: m.value, step: Number(m.step), timestampMs: Number(m.timestampMs) }));
    return { metricsLogged: await this.tracking.logBatch(r.runId, metrics, r.params ?? {}, r.tags ?? {}) };
  }

  @GrpcMethod('TrainingService', 'LogArtifact')
  async logArtifact(r: training.LogArtifactRequest): Promise<training.Run> {
    return toRun(await this.tracking.logArtifact(r.runId, { path: r.artifact?.path ?? '', sha256: r.artifact?.sha256 ?? '', size: Number(r.artifact?.size ?? 0) }));
  }

  @GrpcMethod('TrainingService', 'UpdateRun')
  async updateRun(r: training.UpdateRunRequest): Promise<training.Run> {
    const status = TO_DOMAIN.get(r.status);
    if (!status) throw invalidArgument('status must be RUNNING, FINISHED, FAILED or KILLED');
    return toRun(await this.tracking.updateRun(r.runId, status));
  }

  @GrpcMethod('TrainingService', 'GetRun')
  async getRun(r: training.GetRunRequest): Promise<training.Run> {
    return toRun(await this.tracking.getRun(r.runId));
  }

  @GrpcMethod('TrainingService', 'GetMetricHistory')
  async getMetricHistory(r: training.GetMetricHistoryRequest): Promise<training.GetMetricHistoryResponse> {
    return { metrics: await this.tracking.metricHistory(r.runId, r.key) };
  }

  @GrpcMethod('TrainingService', 'GetMetricHistories')
  async getMetricHistories(r: training.GetMetricHistoriesRequest): Promise<training.GetMetricHistoriesResponse> {
    return { histories: await this.tracking.metricHistories(r.runIds ?? [], r.key ?? '', r.maxPointsPerRun ?? 0) };
  }

  @GrpcMethod('TrainingService', 'SearchRuns')
  async searchRuns(r: training.SearchRunsRequest): Promise<training.SearchRunsResponse> {
    const page = await this.tracking.search(r.experiments ?? [], r.filter ?? '', r.orderBy ?? [], r.maxResults ?? 0, r.pageToken ?? '');
    return { runs: page.runs.map(toRun), nextPageToken: page.nextPageToken };
  }
}

function toExperiment(e: Experiment): training.Experiment {
  return { name: e.name, tags: e.tags, runCount: e.runCount, createdAtMs: new Date(e.createdAt).getTime() };
}

function toRun(run: Run): training.Run {
  return { ...run, status: TO_PROTO.get(run.status)! };
}

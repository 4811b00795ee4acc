import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { training } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import { PRINCIPAL_HEADER, principalOf } from '@mlops/nest-platform';
import type { Run, RunStatus } from '../domain/run';
import { TrackingService } from '../tracking.service';
import { viewOf } from './view-type';

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

  @GrpcMethod('TrainingService', 'CreateRun')
  async createRun(r: training.CreateRunRequest, md?: Metadata): Promise<training.Run> {
    const rep = r.reproducibility;
    return toRun(
      await this.tracking.createRun({
        experiment: r.experiment ?? '',
        experimentId: r.experimentId ?? '',
        runName: r.runName ?? '',
        tags: r.tags ?? {},
        reproducibility: { snapshotContentHash: rep?.snapshotContentHash ?? '', seed: Number(rep?.seed ?? 0), codeVersion: rep?.codeVersion ?? '', packages: rep?.packages ?? {} },
        startTimeMs: Number(r.startTimeMs ?? 0),
        userId: userOf(md),
      }),
    );
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
    const unspecified = (r.status ?? training.RunStatus.RUN_STATUS_UNSPECIFIED) === training.RunStatus.RUN_STATUS_UNSPECIFIED;
    const status = unspecified ? undefined : TO_DOMAIN.get(r.status);
    if (!unspecified && !status) throw invalidArgument('status must be RUNNING, FINISHED, FAILED or KILLED (or unspecified, to keep it)');
    return toRun(await this.tracking.updateRun(r.runId, { status, endTimeMs: Number(r.endTimeMs ?? 0), runName: r.runName ?? '' }));
  }

  @GrpcMethod('TrainingService', 'DeleteRun')
  async deleteRun(r: training.DeleteRunRequest): Promise<training.Run> {
    return toRun(await this.tracking.deleteRun(r.runId ?? ''));
  }

  @GrpcMethod('TrainingService', 'RestoreRun')
  async restoreRun(r: training.RestoreRunRequest): Promise<training.Run> {
    return toRun(await this.tracking.restoreRun(r.runId ?? ''));
  }

  @GrpcMethod('TrainingService', 'DeleteTag')
  async deleteTag(r: training.DeleteTagRequest): Promise<training.Run> {
    return toRun(await this.tracking.deleteTag(r.runId ?? '', r.key ?? ''));
  }

  @GrpcMethod('TrainingService', 'GetRun')
  async getRun(r: training.GetRunRequest): Promise<training.Run> {
    return toRun(await this.tracking.getRun(r.runId));
  }

  @GrpcMethod('TrainingService', 'GetMetricHistory')
  async getMetricHistory(r: training.GetMetricHistoryRequest): Promise<training.GetMetricHistoryResponse> {
    return this.tracking.metricHistory(r.runId, r.key, r.maxResults ?? 0, r.pageToken ?? '');
  }

  @GrpcMethod('TrainingService', 'GetMetricHistories')
  async getMetricHistories(r: training.GetMetricHistoriesRequest): Promise<training.GetMetricHistoriesResponse> {
    return { histories: await this.tracking.metricHistories(r.runIds ?? [], r.key ?? '', r.maxPointsPerRun ?? 0) };
  }

  @GrpcMethod('TrainingService', 'SearchRuns')
  async searchRuns(r: training.SearchRunsRequest): Promise<training.SearchRunsResponse> {
    const page = await this.tracking.search({
      experiments: r.experiments ?? [],
      experimentIds: r.experimentIds ?? [],
      view: viewOf(r.runViewType, 'run_view_type'),
      filter: r.filter ?? '',
      orderBy: r.orderBy ?? [],
      maxResults: r.maxResults ?? 0,
      pageToken: r.pageToken ?? '',
    });
    return { runs: page.runs.map(toRun), nextPageToken: page.nextPageToken };
  }
}

/** The subject of the caller's verified token; '' when the call carried none (authentication disabled). */
function userOf(md: Metadata | undefined): string {
  return md && md.get(PRINCIPAL_HEADER).length > 0 ? principalOf(md) : '';
}

function toRun(run: Run): training.Run {
  return { ...run, status: TO_PROTO.get(run.status)! };
}

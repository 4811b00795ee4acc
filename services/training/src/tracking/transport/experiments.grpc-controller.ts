import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { training } from '@mlops/contracts';
import type { Experiment } from '../domain/run';
import { ExperimentsService } from '../experiments.service';
import { viewOf } from './view-type';

@Controller()
export class ExperimentsGrpcController {
  constructor(private readonly experiments: ExperimentsService) {}

  @GrpcMethod('TrainingService', 'CreateExperiment')
  async createExperiment(r: training.CreateExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.createExperiment(r.name, r.tags ?? {}));
  }

  @GrpcMethod('TrainingService', 'GetExperiment')
  async getExperiment(r: training.GetExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.getExperiment({ name: r.name ?? '', experimentId: r.experimentId ?? '' }));
  }

  @GrpcMethod('TrainingService', 'ListExperiments')
  async listExperiments(r: training.ListExperimentsRequest): Promise<training.ListExperimentsResponse> {
    const page = await this.experiments.listExperiments({
      nameContains: r.nameContains ?? '',
      maxResults: r.maxResults ?? 0,
      pageToken: r.pageToken ?? '',
      view: viewOf(r.viewType, 'view_type'),
      filter: r.filter ?? '',
      orderBy: r.orderBy ?? [],
    });
    return { experiments: page.experiments.map(toExperiment), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod('TrainingService', 'UpdateExperiment')
  async updateExperiment(r: training.UpdateExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.updateExperiment(r.experimentId ?? '', r.newName ?? ''));
  }

  @GrpcMethod('TrainingService', 'DeleteExperiment')
  async deleteExperiment(r: training.DeleteExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.deleteExperiment(r.experimentId ?? ''));
  }

  @GrpcMethod('TrainingService', 'RestoreExperiment')
  async restoreExperiment(r: training.RestoreExperimentRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.restoreExperiment(r.experimentId ?? ''));
  }

  @GrpcMethod('TrainingService', 'SetExperimentTag')
  async setExperimentTag(r: training.SetExperimentTagRequest): Promise<training.Experiment> {
    return toExperiment(await this.experiments.setExperimentTag(r.experimentId ?? '', r.key ?? '', r.value ?? ''));
  }
}

function toExperiment(e: Experiment): training.Experiment {
  return {
    experimentId: e.experimentId,
    name: e.name,
    tags: e.tags,
    runCount: e.runCount,
    lifecycleStage: e.lifecycleStage,
    createdAtMs: new Date(e.createdAt).getTime(),
    lastUpdateTimeMs: new Date(e.lastUpdateTime).getTime(),
  };
}

import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { training } from '@mlops/contracts';
import { JobsService } from '../jobs.service';
import { toJobMessage, toJobSpec } from './job.mapper';

@Controller()
export class JobsGrpcController {
  constructor(private readonly jobs: JobsService) {}

  @GrpcMethod('TrainingService', 'SubmitTrainingJob')
  async submitTrainingJob(r: training.SubmitTrainingJobRequest): Promise<training.TrainingJob> {
    return toJobMessage(await this.jobs.submit(r.idempotencyKey, toJobSpec(r)));
  }

  @GrpcMethod('TrainingService', 'GetTrainingJob')
  async getTrainingJob(r: training.GetTrainingJobRequest): Promise<training.TrainingJob> {
    return toJobMessage(await this.jobs.get(r.jobId));
  }

  @GrpcMethod('TrainingService', 'ListTrainingJobs')
  async listTrainingJobs(r: training.ListTrainingJobsRequest): Promise<training.ListTrainingJobsResponse> {
    const page = await this.jobs.list(r.modelName ?? '', r.limit ?? 0, r.pageToken ?? '');
    return { jobs: page.jobs.map(toJobMessage), nextPageToken: page.nextPageToken };
  }
}

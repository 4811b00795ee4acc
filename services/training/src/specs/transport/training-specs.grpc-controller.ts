import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { training } from '@mlops/contracts';
import { specProblems } from '../../jobs/domain/job-spec';
import { toJobSpec } from '../../jobs/transport/job.mapper';
import { invalidArgument } from '@mlops/errors';
import type { StoredTrainingSpec } from '../domain/training-spec';
import { TrainingSpecsService } from '../training-specs.service';

/** The template must be a job the service would accept: checked as SubmitTrainingJob checks one. */
function checkedJob(spec: training.TrainingSpec): Record<string, unknown> {
  const job = training.SubmitTrainingJobRequest.fromPartial(spec.job ?? {});
  const problems = specProblems(toJobSpec(job));
  if (problems.length > 0) throw invalidArgument(`invalid training spec "${spec.name}": job: ${problems.join('; ')}`);
  return training.SubmitTrainingJobRequest.toJSON(job) as Record<string, unknown>;
}

function toMessage(spec: StoredTrainingSpec): training.TrainingSpec {
  return {
    name: spec.name,
    job: training.SubmitTrainingJobRequest.fromJSON(spec.job),
    schedule: spec.schedule,
    description: spec.description,
    revision: spec.revision,
    createdAtMs: new Date(spec.createdAt).getTime(),
    updatedAtMs: new Date(spec.updatedAt).getTime(),
    nextRunAtMs: spec.nextRunAt ? new Date(spec.nextRunAt).getTime() : 0,
    lastRunAtMs: spec.lastRunAt ? new Date(spec.lastRunAt).getTime() : 0,
    lastJobId: spec.lastJobId,
    lastError: spec.lastError,
  };
}

@Controller()
export class TrainingSpecsGrpcController {
  constructor(private readonly specs: TrainingSpecsService) {}

  @GrpcMethod('TrainingService', 'PutTrainingSpec')
  async putTrainingSpec(r: training.TrainingSpec): Promise<training.TrainingSpec> {
    const stored = await this.specs.put({ name: r.name ?? '', job: checkedJob(r), schedule: (r.schedule ?? '').trim(), description: r.description ?? '' });
    return toMessage(stored);
  }

  @GrpcMethod('TrainingService', 'GetTrainingSpec')
  async getTrainingSpec(r: training.GetTrainingSpecRequest): Promise<training.TrainingSpec> {
    return toMessage(await this.specs.get(r.name ?? ''));
  }

  @GrpcMethod('TrainingService', 'ListTrainingSpecs')
  async listTrainingSpecs(r: training.ListTrainingSpecsRequest): Promise<training.ListTrainingSpecsResponse> {
    const page = await this.specs.list(r.limit ?? 0, r.pageToken ?? '');
    return { specs: page.specs.map(toMessage), nextPageToken: page.nextPageToken };
  }
}

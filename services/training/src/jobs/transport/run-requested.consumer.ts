import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import { failedPrecondition } from '@mlops/errors';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { JobsRepository } from '../jobs.repository';
import { JobsService } from '../jobs.service';

/**
 * A retraining request (from monitoring, a schedule or a user) submits a job like the model's
 * last successful one, on the requested data: a fresh dataset version, or the given range or
 * snapshot. The request id is the idempotency key, so a replayed request starts nothing twice.
 */
@Injectable()
export class RunRequestedConsumer {
  constructor(
    private readonly jobs: JobsService,
    private readonly repository: JobsRepository,
  ) {}

  @HandleEvent(Topics.trainingRunRequested)
  async onRunRequested(event: ConsumedEvent<events.TrainingRunRequested>): Promise<void> {
    const request = event.payload;
    const previous = await this.repository.latestSuccessfulSpec(request.modelName);
    if (!previous) throw failedPrecondition(`model "${request.modelName}" has no successful training job to repeat`);
    await this.jobs.submit(`request:${request.requestId || event.eventId}`, {
      ...previous,
      snapshotId: request.snapshotId,
      cutDatasetVersion: !request.snapshotId,
      datasetVersion: 0,
      fromTimeMs: Number(request.fromTimeMs),
      toTimeMs: Number(request.toTimeMs),
      trigger: request.trigger || 'request',
    });
  }
}

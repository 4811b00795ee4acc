import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import { failedPrecondition } from '@mlops/errors';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { PlatformClients } from '../clients/upstream.clients';
import { trainedExternally } from '../domain/trainer-ownership';
import { JobsRepository } from '../jobs.repository';
import { JobsService } from '../jobs.service';

/**
 * A retraining request (from monitoring, a schedule or a user) submits a job like the model's
 * last successful one, on the requested data: a fresh dataset version, or the given range or
 * snapshot. The request id is the idempotency key, so a replayed request starts nothing twice.
 * A model tagged as trained externally (domain/trainer-ownership.ts) is left to its own trainer.
 */
@Injectable()
export class RunRequestedConsumer {
  constructor(
    private readonly jobs: JobsService,
    private readonly repository: JobsRepository,
    private readonly clients: PlatformClients,
    private readonly logger: JsonLogger,
  ) {}

  @HandleEvent(Topics.trainingRunRequested)
  async onRunRequested(event: ConsumedEvent<events.TrainingRunRequested>): Promise<void> {
    const request = event.payload;
    if (trainedExternally(await this.clients.modelTags(request.modelName))) {
      this.logger.info('training request left to the external trainer', { model: request.modelName, requestId: request.requestId, trigger: request.trigger });
      return;
    }
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

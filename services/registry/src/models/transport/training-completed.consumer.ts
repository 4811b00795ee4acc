import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { ModelsService } from '../models.service';

/**
 * Registers the model of a completed training run whose gate passed, in the transaction that
 * marks the event processed. The run id is the idempotency key too, so even an event replayed
 * under another id registers nothing twice.
 */
@Injectable()
export class TrainingCompletedConsumer {
  constructor(
    private readonly models: ModelsService,
    private readonly logger: JsonLogger,
  ) {}

  @HandleEvent(Topics.trainingRunCompleted)
  async onRunCompleted(event: ConsumedEvent<events.TrainingRunCompleted>, manager: EntityManager): Promise<void> {
    const run = event.payload;
    if (!run.gatePassed) {
      this.logger.info('run not registered: its gate failed', { runId: run.runId, model: run.modelName, reason: run.gateReason });
      return;
    }
    await this.models.createVersion('training', {
      modelName: run.modelName,
      artifactSha256: run.artifactSha256,
      lineage: {
        runId: run.runId,
        jobId: run.jobId,
        snapshotId: run.snapshotId,
        featureView: run.featureView,
        featureViewVersion: run.featureViewVersion,
        dataset: run.dataset,
        datasetVersion: run.datasetVersion,
        datasetContentHash: run.datasetContentHash,
        source: 'training',
      },
      metrics: run.metrics ?? {},
      description: `${run.algorithm} trained by run ${run.runId}`,
      tags: { algorithm: run.algorithm },
      featureNames: run.featureNames ?? [],
      idempotencyKey: `run:${run.runId}`,
      onMissingArtifact: 'fail',
    }, manager);
  }
}

import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { PerformanceService } from '../../performance/performance.service';
import { DriftService } from '../drift.service';

/** Batches of the prediction log fill the models' drift windows and wait for their labels. */
@Injectable()
export class PredictionsConsumer {
  constructor(
    private readonly drift: DriftService,
    private readonly performance: PerformanceService,
    private readonly logger: JsonLogger,
  ) {}

  @HandleEvent(Topics.predictionsLogged)
  async onPredictions(event: ConsumedEvent<events.PredictionLogBatch>): Promise<void> {
    await this.drift.onPredictions(event.payload);
    // A retry of the batch would count it twice in the drift window: the label join (in memory,
    // best effort by nature) fails alone.
    await this.performance.onPredictions(event.payload).catch((error: unknown) => this.logger.warn('predictions not kept for late labels', { model: event.payload.modelName, error }));
  }
}

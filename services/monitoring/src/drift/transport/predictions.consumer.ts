import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { PerformanceService } from '../../performance/performance.service';
import { DriftService } from '../drift.service';

/** Batches of the prediction log fill the models' drift windows and wait for their labels. */
@Injectable()
export class PredictionsConsumer {
  constructor(
    private readonly drift: DriftService,
    private readonly performance: PerformanceService,
  ) {}

  @HandleEvent(Topics.predictionsLogged)
  async onPredictions(event: ConsumedEvent<events.PredictionLogBatch>): Promise<void> {
    // The join first: if storing fails the batch is retried before the drift window counted it
    // (storing it again is harmless: a row waiting or joined is not added twice).
    await this.performance.onPredictions(event.payload);
    await this.drift.onPredictions(event.payload);
  }
}

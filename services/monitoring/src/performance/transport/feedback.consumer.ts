import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { PerformanceService } from '../performance.service';

/** Ground truth that arrives after the prediction (JSON or protobuf FeedbackReceived). */
@Injectable()
export class FeedbackConsumer {
  constructor(private readonly performance: PerformanceService) {}

  @HandleEvent(Topics.feedbackReceived)
  async onFeedback(event: ConsumedEvent<events.FeedbackReceived>): Promise<void> {
    await this.performance.onFeedback(event.payload);
  }
}

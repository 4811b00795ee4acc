import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { PerformanceService } from '../performance.service';

/** Ground truth that arrives after the prediction (JSON or protobuf FeedbackReceived). Handled
 * per delivery without a processed-event record: the join is in memory and a repeated label
 * finds nothing left to join. */
@Injectable()
export class FeedbackConsumer {
  constructor(private readonly performance: PerformanceService) {}

  @HandleEvent(Topics.feedbackReceived, { once: false })
  async onFeedback(event: ConsumedEvent<events.FeedbackReceived>): Promise<void> {
    await this.performance.onFeedback(event.payload);
  }
}

import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { PerformanceService } from '../performance.service';

/** Ground truth that arrives after the prediction (JSON or protobuf FeedbackReceived), in chunks
 * of up to 500 labels: one join statement per chunk. Without processed-event records: a label
 * delivered again finds its row joined (or its first copy still waiting) and changes nothing. */
@Injectable()
export class FeedbackConsumer {
  constructor(private readonly performance: PerformanceService) {}

  @HandleEvent(Topics.feedbackReceived, { batch: 500 })
  async onFeedback(events: ConsumedEvent<events.FeedbackReceived>[]): Promise<void> {
    await this.performance.onFeedback(events.map((e) => e.payload));
  }
}

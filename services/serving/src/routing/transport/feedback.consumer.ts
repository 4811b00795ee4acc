import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { TrafficRouter } from '../traffic-router';

/** Ground truth for earlier predictions: scored for the deployment that served them, if any, by
 * whichever replica receives it (the label join is shared, routing/label-join.ts). Every delivery
 * is handled without a processed-event record (one label per message, hundreds a second): a
 * repeated label finds its prediction already scored and deleted, and counts nothing. */
@Injectable()
export class FeedbackConsumer {
  constructor(private readonly router: TrafficRouter) {}

  @HandleEvent(Topics.feedbackReceived, { once: false })
  async onFeedback(event: ConsumedEvent<events.FeedbackReceived>): Promise<void> {
    const { requestId, row, label } = event.payload;
    if (requestId) this.router.label(requestId, row ?? 0, label);
  }
}

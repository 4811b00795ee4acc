import { SetMetadata } from '@nestjs/common';
import type { EventTopic } from '@mlops/contracts';

export const EVENT_HANDLER = Symbol('EVENT_HANDLER');

export interface EventHandlerOptions {
  /**
   * true (default): the handler runs once per event id, in a transaction that also records the
   * event as processed. false: it runs for every delivery, without a transaction (`manager` is
   * undefined) — for high-volume streams whose effect is in memory and idempotent by nature
   * (a repeated label finds its prediction already scored), where a database round trip per
   * message would make the consumer fall behind the other topics of its group.
   */
  once?: boolean;
}

export interface EventHandlerMetadata {
  topic: EventTopic<unknown>;
  once: boolean;
}

/**
 * Marks a provider method as the handler of a catalog topic. The platform subscribes the
 * service's consumer group to it and calls the method once per event id (a redelivered event
 * is skipped), as `(event: ConsumedEvent<T>, manager: EntityManager)`: the manager is the
 * transaction that also records the event as processed, so the effect and the marker commit
 * together. See `once` for the exception.
 */
export const HandleEvent = <T>(topic: EventTopic<T>, options: EventHandlerOptions = {}): MethodDecorator =>
  SetMetadata(EVENT_HANDLER, { topic: topic as EventTopic<unknown>, once: options.once ?? true } satisfies EventHandlerMetadata);

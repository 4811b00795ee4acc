import { SetMetadata } from '@nestjs/common';
import type { EventTopic } from '@mlops/contracts';

export const EVENT_HANDLER = Symbol('EVENT_HANDLER');

export interface EventHandlerOptions {
  /**
   * true (default): the handler runs once per event id, in a transaction that also records the
   * event as processed. false: it runs for every delivery, without a transaction (`manager` is
   * undefined) — for high-volume streams whose effect is in memory and idempotent by nature
   * (e.g. a cache refresh), where a database round trip per
   * message would make the consumer fall behind the other topics of its group.
   */
  once?: boolean;
  /**
   * Hands the method chunks of up to this many consecutive events of one partition, as
   * `(events: ConsumedEvent<T>[])`, without a processed-event record (`once` does not apply):
   * for streams written to the database one chunk per statement. The handler must tolerate a
   * chunk delivered again after a crash.
   */
  batch?: number;
}

export interface EventHandlerMetadata {
  topic: EventTopic<unknown>;
  once: boolean;
  batch?: number;
}

/**
 * Marks a provider method as the handler of a catalog topic. The platform subscribes the
 * service's consumer group to it and calls the method once per event id (a redelivered event
 * is skipped), as `(event: ConsumedEvent<T>, manager: EntityManager)`: the manager is the
 * transaction that also records the event as processed, so the effect and the marker commit
 * together. See `once` for the exception.
 */
export const HandleEvent = <T>(topic: EventTopic<T>, options: EventHandlerOptions = {}): MethodDecorator => {
  if (options.batch && options.once) throw new Error(`@HandleEvent(${topic.name}): a batch handler has no processed-event records, so once cannot be true`);
  return SetMetadata(EVENT_HANDLER, { topic: topic as EventTopic<unknown>, once: options.batch ? false : (options.once ?? true), batch: options.batch } satisfies EventHandlerMetadata);
};

import { SetMetadata } from '@nestjs/common';
import type { EventTopic } from '@mlops/contracts';

export const EVENT_HANDLER = Symbol('EVENT_HANDLER');

/**
 * Marks a provider method as the handler of a catalog topic. The platform subscribes the
 * service's consumer group to it and calls the method once per event id (a redelivered event
 * is skipped), as `(event: ConsumedEvent<T>, manager: EntityManager)`: the manager is the
 * transaction that also records the event as processed, so the effect and the marker commit
 * together.
 */
export const HandleEvent = <T>(topic: EventTopic<T>): MethodDecorator => SetMetadata(EVENT_HANDLER, topic);

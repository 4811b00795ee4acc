import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import { ALL_TOPIC_NAMES, topicsOf } from '@mlops/contracts';
import { type ConsumedEvent, EventConsumer, EventPublisher, OutboxRelay, ensureTopics, handleOnce, sleep } from '@mlops/messaging';
import { JsonLogger } from '@mlops/observability';
import { EVENT_HANDLER, type EventHandlerMetadata } from './event-handler.decorator';
import { PLATFORM_CONFIG, type PlatformConfig } from './platform-config';
import { ReadinessService } from './readiness.service';
import { KAFKA } from './tokens';

type Handler = (event: ConsumedEvent<unknown>, manager: EntityManager) => Promise<void>;

/**
 * Starts and stops the messaging side of a service: topics, the outbox relay, and one consumer
 * group whose handlers are the methods marked @HandleEvent. Nothing here blocks start-up on the
 * broker: a service starts while Kafka is down, reports not ready, and catches up when it returns.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly consumer: EventConsumer,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly readiness: ReadinessService,
    private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registerHandlers();
    this.readiness.start();
    this.relay.start();
    void this.startWhenBrokerAnswers();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // Order matters: stop taking messages (commits processed offsets), then deliver what the
    // outbox holds, then close the producer.
    await this.consumer.stop().catch((error) => this.logger.warn('consumer stop failed', { error }));
    await this.relay.stop();
    await this.publisher.disconnect().catch(() => undefined);
  }

  private async startWhenBrokerAnswers(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await ensureTopics(this.kafka, this.topicsToEnsure(), this.config.topicPartitions);
        await this.consumer.start();
        return;
      } catch (error) {
        this.logger.warn('Kafka not available yet, retrying', { attempt, error: (error as Error).message });
        await sleep(Math.min(5000, 500 * attempt));
      }
    }
  }

  /**
   * On an open broker a service creates the whole catalog, so a stage started alone finds every
   * topic; on a secured one it may create (and see) only the topics it writes or reads.
   */
  private topicsToEnsure(): readonly string[] {
    return this.config.kafkaSecurityProtocol.startsWith('SASL_') ? topicsOf(this.config.service) : ALL_TOPIC_NAMES;
  }

  private registerHandlers(): void {
    const group = this.config.consumerGroup;
    // One handler per topic and service: a second would silently replace the first.
    const claimed = new Map<string, string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const metadata = this.reflector.get<EventHandlerMetadata | undefined>(EVENT_HANDLER, prototype[method]);
        if (!metadata) continue;
        const { topic, once, batch } = metadata;
        const owner = `${wrapper.name}.${method}`;
        if (claimed.has(topic.name)) throw new Error(`${topic.name} has two handlers in this service: ${claimed.get(topic.name)} and ${owner}`);
        claimed.set(topic.name, owner);
        const handler = (instance[method] as Handler).bind(instance);
        if (batch) {
          this.consumer.onBatch(topic, (events) => (handler as unknown as (events: unknown[]) => Promise<void>)(events), batch);
          this.logger.info('event handler registered', { topic: topic.name, handler: owner, group, batch });
          continue;
        }
        this.consumer.on(topic, async (event) => {
          if (!once) return handler(event, undefined as unknown as EntityManager);
          const ran = await handleOnce(this.dataSource, group, event.eventId, (manager) => handler(event, manager));
          // Events the effect put in the outbox were committed with the marker just now.
          if (ran) this.relay.nudge();
          else this.logger.info('duplicate event skipped', { topic: topic.name, eventId: event.eventId });
        });
        this.logger.info('event handler registered', { topic: topic.name, handler: `${wrapper.name}.${method}`, group, once });
      }
    }
  }
}

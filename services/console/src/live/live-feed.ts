import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { Headers, decodeEvent, headerString } from '@mlops/messaging';
import { INSTANCE, KAFKA, PLATFORM_CONFIG, type PlatformConfig } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { LIVE_ROUTES, type LiveEvent, toLiveEvent } from './live-events';

/** Events kept for browsers that reconnect (they resume after their last event id). */
const REPLAY_BUFFER = 500;

export interface LiveListener {
  (event: LiveEvent): void;
  /** Called once when the console stops: the stream ends (the browser reconnects to another replica). */
  end?: () => void;
}

/**
 * The platform's events as they happen, for every browser this console serves: one consumer
 * group per console process (each process must see every event), started at the end of each
 * topic (a console shows what happens from now on; the pages read history from the services),
 * and removed again when the process stops.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly listeners = new Set<LiveListener>();
  private readonly recent: LiveEvent[] = [];
  private consumer?: Consumer;
  private seq = 0;
  private stopping = false;
  readonly groupId: string;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly logger: JsonLogger,
  ) {
    this.groupId = `${config.consumerGroup}-live-${INSTANCE.id.slice(0, 8)}`;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Adds a listener; returns its removal. Events after `afterSeq` still in the buffer are replayed first. */
  subscribe(listener: LiveListener, afterSeq?: number): () => void {
    if (afterSeq !== undefined) for (const event of this.recent) if (event.seq > afterSeq) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    void this.start();
  }

  /** Open streams would hold the HTTP server's close (and the graceful stop) until they time out. */
  beforeApplicationShutdown(): void {
    for (const listener of [...this.listeners]) listener.end?.();
    this.listeners.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([this.groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }

  /** Publishes one event to every listener (and the replay buffer). */
  publish(event: Omit<LiveEvent, 'seq'>): void {
    const live = { ...event, seq: ++this.seq };
    this.recent.push(live);
    if (this.recent.length > REPLAY_BUFFER) this.recent.shift();
    for (const listener of this.listeners) listener(live);
  }

  private async start(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
        this.consumer = consumer;
        await consumer.connect();
        await consumer.subscribe({ topics: LIVE_ROUTES.map((r) => r.topic.name), fromBeginning: false });
        await consumer.run({ eachMessage: async ({ topic, message }) => this.onMessage(topic, message) });
        this.logger.info('live feed started', { group: this.groupId, topics: LIVE_ROUTES.length });
        return;
      } catch (error) {
        this.logger.warn('live feed not started yet, retrying', { attempt, error: (error as Error).message });
        await this.consumer?.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * attempt)));
      }
    }
  }

  private onMessage(topic: string, message: { value: Buffer | null; headers?: Parameters<typeof headerString>[0] }): void {
    const r = LIVE_ROUTES.find((x) => x.topic.name === topic);
    if (!r) return;
    let payload: unknown;
    try {
      payload = decodeEvent(r.topic, message.value, message.headers);
    } catch (error) {
      // A consumer of record (monitoring, ...) dead-letters it; a live view just skips it.
      this.logger.warn('live feed skipped an undecodable event', { topic, error: (error as Error).message });
      return;
    }
    const occurred = Date.parse(headerString(message.headers, Headers.occurredAt) ?? '');
    this.publish(
      toLiveEvent(r, payload, {
        eventId: headerString(message.headers, Headers.eventId) ?? '',
        correlationId: headerString(message.headers, Headers.correlationId) ?? '',
        atMs: Number.isNaN(occurred) ? Date.now() : occurred,
        producer: headerString(message.headers, Headers.producer) ?? '',
      }),
    );
  }
}

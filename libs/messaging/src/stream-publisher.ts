import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { EventTopic } from '@mlops/contracts';
import type { JsonLogger } from '@mlops/observability';
import { encodeEvent } from './codec';
import { Headers } from './headers';
import { sleep } from './consumer';

export interface StreamPublisherOptions<E, M> {
  topic: EventTopic<M>;
  /** Builds the messages of a batch of entries (several entries usually go into one message:
   * per-message costs in the producer and the broker dwarf the encoding of a small payload). */
  toMessages(entries: E[]): { key: string; message: M }[];
  /** Entries held at most; when full, new entries are dropped and counted. */
  maxBacklog: number;
  /** Messages per send, at most. */
  batchSize?: number;
  /** How long a partial batch waits for more entries. */
  lingerMs?: number;
  service: string;
  logger: JsonLogger;
  onSent?(count: number): void;
  onDropped?(count: number): void;
  onBacklog?(size: number): void;
}

/**
 * A fire-and-forget event stream beside the request path (the prediction log): `push` only
 * appends to a bounded in-memory queue and never waits or throws, so producing the stream can
 * neither slow nor fail the work it describes. A background loop encodes queued entries and
 * sends them in batches with a producer of its own (not the outbox's), retrying while the broker
 * is away; when the queue is full, new entries are dropped and counted rather than buffered
 * without bound. Delivery is at least once for what was queued, best effort beyond the bound.
 */
export class StreamPublisher<E, M> {
  private queue: E[] = [];
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private producer?: Producer;
  private readonly log: JsonLogger;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: StreamPublisherOptions<E, M>,
  ) {
    this.log = options.logger.child(`stream:${options.topic.name}`);
  }

  get backlog(): number {
    return this.queue.length;
  }

  push(entry: E): void {
    if (this.queue.length >= this.options.maxBacklog) {
      this.options.onDropped?.(1);
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= (this.options.batchSize ?? 500)) this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Sends what is queued (for up to `drainMs`), then stops. */
  async stop(drainMs = 5000): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (this.queue.length > 0 && Date.now() < deadline && this.producer) await sleep(20);
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (this.queue.length === 0 || (this.queue.length < (this.options.batchSize ?? 500) && failures === 0)) {
        await this.idle(failures > 0 ? Math.min(5000, 250 * 2 ** failures) : (this.options.lingerMs ?? 50));
      }
      if (this.queue.length === 0) continue;
      const entries = this.queue.slice(0, this.options.batchSize ?? 500);
      try {
        await this.send(entries);
        this.queue.splice(0, entries.length);
        this.options.onSent?.(entries.length);
        if (failures > 0) this.log.info('stream publisher recovered', { failedAttempts: failures });
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 10 === 0) this.log.warn('stream send failed, will retry', { error, attempt: failures, backlog: this.queue.length });
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
      }
      this.options.onBacklog?.(this.queue.length);
    }
  }

  private async send(entries: E[]): Promise<void> {
    const { topic, toMessages, service } = this.options;
    const occurredAt = new Date().toISOString();
    const messages: Message[] = [];
    for (const { key, message } of toMessages(entries)) {
      const { value, contentType } = encodeEvent(topic, message);
      messages.push({ key, value, headers: { [Headers.eventId]: randomUUID(), [Headers.contentType]: contentType, [Headers.occurredAt]: occurredAt, [Headers.producer]: service } });
    }
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 2 } });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic: topic.name, messages, acks: 1 });
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([sleep(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
  }
}

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
  /** Approximate bytes held at most (with `sizeOf`); past it, new entries are dropped too. */
  maxBacklogBytes?: number;
  sizeOf?(entry: E): number;
  /** Entries per send, at most. */
  batchSize?: number;
  /** How long a partial batch waits for more entries. */
  lingerMs?: number;
  service: string;
  logger: JsonLogger;
  onSent?(count: number): void;
  onDropped?(count: number): void;
  onBacklog?(size: number): void;
}

/** Errors after which resending the same batch cannot succeed (kafkajs marks them not retriable). */
function isPermanent(error: unknown): boolean {
  const e = error as { retriable?: boolean; type?: string; name?: string; cause?: unknown } | null;
  if (!e) return false;
  if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'INVALID_RECORD' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  if (e.name === 'KafkaJSProtocolError' && e.retriable === false) return true;
  return e.cause !== undefined && isPermanent(e.cause);
}

/**
 * A fire-and-forget event stream beside the request path (the prediction log): `push` only
 * appends to a bounded in-memory queue and never waits or throws, so producing the stream can
 * neither slow nor fail the work it describes. A background loop encodes queued entries and
 * sends them in batches with a producer of its own (not the outbox's), backing off while the
 * broker is away; a batch the broker refuses for good (too large, invalid) is dropped and counted
 * rather than retried forever. When the queue is full (entries or bytes), new entries are dropped
 * and counted. Delivery is at least once for what was queued, best effort beyond the bound.
 */
export class StreamPublisher<E, M> {
  private queue: E[] = [];
  private queuedBytes = 0;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private producer?: Producer;
  private readonly log: JsonLogger;
  private readonly batchSize: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: StreamPublisherOptions<E, M>,
  ) {
    this.log = options.logger.child(`stream:${options.topic.name}`);
    this.batchSize = options.batchSize ?? 500;
  }

  get backlog(): number {
    return this.queue.length;
  }

  push(entry: E): void {
    const bytes = this.options.sizeOf?.(entry) ?? 0;
    if (this.queue.length >= this.options.maxBacklog || this.queuedBytes + bytes > (this.options.maxBacklogBytes ?? Infinity)) {
      this.options.onDropped?.(1);
      return;
    }
    this.queue.push(entry);
    this.queuedBytes += bytes;
    if (this.queue.length >= this.batchSize) this.wake?.();
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
      // Always a real wait (a timer, not a microtask) between rounds after a failure, so a
      // broker that keeps refusing can never spin the event loop that serves requests.
      if (failures > 0) await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)));
      else if (this.queue.length < this.batchSize) await this.idle(this.options.lingerMs ?? 50);
      if (this.queue.length === 0) continue;
      const entries = this.queue.slice(0, this.batchSize);
      try {
        await this.send(entries);
        this.take(entries.length);
        this.options.onSent?.(entries.length);
        if (failures > 0) this.log.info('stream publisher recovered', { failedAttempts: failures });
        failures = 0;
      } catch (error) {
        if (isPermanent(error)) {
          this.take(entries.length);
          this.options.onDropped?.(entries.length);
          this.log.warn('the broker refused a batch for good: dropped', { error, entries: entries.length });
          continue;
        }
        failures++;
        if (failures === 1 || failures % 10 === 0) this.log.warn('stream send failed, will retry', { error, attempt: failures, backlog: this.queue.length });
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
      } finally {
        this.options.onBacklog?.(this.queue.length);
      }
    }
  }

  private take(count: number): void {
    const taken = this.queue.splice(0, count);
    if (this.options.sizeOf) for (const entry of taken) this.queuedBytes -= this.options.sizeOf(entry);
  }

  private async send(entries: E[]): Promise<void> {
    const messages = this.encode(entries);
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 2 } });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.send({ topic: this.options.topic.name, messages, acks: 1 });
  }

  /** Entries that cannot even be encoded will never send: that failure counts as permanent. */
  private encode(entries: E[]): Message[] {
    const { topic, toMessages, service } = this.options;
    const occurredAt = new Date().toISOString();
    try {
      return toMessages(entries).map(({ key, message }) => {
        const { value, contentType } = encodeEvent(topic, message);
        return { key, value, headers: { [Headers.eventId]: randomUUID(), [Headers.contentType]: contentType, [Headers.occurredAt]: occurredAt, [Headers.producer]: service } };
      });
    } catch (error) {
      throw Object.assign(new Error(`entries could not be encoded: ${(error as Error).message}`), { type: 'INVALID_RECORD' });
    }
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([sleep(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
  }
}

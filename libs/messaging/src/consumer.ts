import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { RawTopics, type EventTopic } from '@mlops/contracts';
import { type JsonLogger, type PlatformMetrics, withCorrelation } from '@mlops/observability';
import { PoisonMessageError, decodeEvent } from './codec';
import { isPermanentError, isTransientError } from './errors';
import { Headers, headerString } from './headers';
import type { EventPublisher } from './publisher';

/** One consumed message, decoded, with the metadata handlers need. */
export interface ConsumedEvent<T> {
  payload: T;
  /** The `event-id` header, or `<topic>:<partition>:<offset>` for messages without one. */
  eventId: string;
  correlationId?: string;
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  headers: IHeaders;
}

export type EventHandlerFn<T> = (event: ConsumedEvent<T>) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  logger: JsonLogger;
  metrics?: PlatformMetrics;
  /** Sends dead letters. */
  publisher: EventPublisher;
  /** Attempts per message before it is dead-lettered (1 = no retry). */
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  deadLetterTopic?: string;
  /** Read topics from the beginning when the group has no committed offset. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time (each in order); more lets database writes overlap. */
  partitionsConsumedConcurrently?: number;
  /** How long the group waits for a silent member before giving its partitions to the others (default 30 s). */
  sessionTimeoutMs?: number;
}

type Route = (message: KafkaMessage, topic: string, partition: number) => Promise<void>;
/** Handles consecutive messages of one partition together (e.g. one database write per chunk). */
export type BatchRoute = (messages: KafkaMessage[], topic: string, partition: number) => Promise<void>;

interface Routing {
  single?: Route;
  batch?: { handle: BatchRoute; maxChunk: number };
  /** Where the group starts when it has no committed offset on the topic (default: the consumer's `fromBeginning`). */
  fromBeginning?: boolean;
}

/**
 * A Kafka consumer group member with the platform's delivery rules:
 * - a failing handler is retried with exponential backoff up to `maxAttempts`, then the message
 *   goes to the dead-letter topic with the error and its original headers, and the consumer
 *   moves on; a poison message (undecodable) goes there at once; an outage of the database or
 *   broker (a transient error) is retried until it ends, never dead-lettered;
 * - an offset is resolved only after its message was handled or dead-lettered, so shutdown
 *   and crashes commit only processed offsets (at-least-once; handlers dedupe on event id);
 * - when the broker goes away, the consumer rejoins by itself when it returns.
 */
export class EventConsumer {
  private readonly routes = new Map<string, Routing>();
  private consumer?: Consumer;
  private running = false;
  private restartTimer?: NodeJS.Timeout;
  private readonly log: JsonLogger;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.log = options.logger.child(`consumer:${options.groupId}`);
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  /** Handles a topic of the catalog: messages are decoded with the topic's codec first. */
  on<T>(topic: EventTopic<T>, handler: EventHandlerFn<T>): this {
    this.onRaw(topic.name, async (message, topicName, partition) => handler(consumedEvent(topic, message, topicName, partition)));
    if (topic.newGroupsStartAt === 'latest') this.routes.get(topic.name)!.fromBeginning = false;
    return this;
  }

  /**
   * Handles a topic of the catalog in chunks of up to `maxChunk` consecutive decoded events of
   * one partition (one database write per chunk instead of one per message). An undecodable
   * message is dead-lettered on its own and the rest of its chunk handled. A chunk that fails
   * for a reason other than an outage is handled again one event at a time, and an event that
   * fails alone is dead-lettered with its error: one bad event never takes its neighbours along.
   * An outage (a transient error) retries the chunk until it ends. Offsets are resolved after the
   * chunk, so the handler must tolerate events delivered again.
   */
  onBatch<T>(topic: EventTopic<T>, handler: (events: ConsumedEvent<T>[]) => Promise<void>, maxChunk = 500): this {
    // A chunk retried after an outage must not dead-letter the same message twice.
    const deadLettered = new WeakSet<KafkaMessage>();
    const deadLetter = async (message: KafkaMessage, topicName: string, partition: number, error: Error) => {
      await this.deadLetter(message, topicName, partition, error, 1);
      deadLettered.add(message);
    };
    this.onRawBatch(
      topic.name,
      async (messages, topicName, partition) => {
        const decoded: Array<{ message: KafkaMessage; event: ConsumedEvent<T> }> = [];
        for (const message of messages) {
          if (deadLettered.has(message)) continue;
          try {
            decoded.push({ message, event: consumedEvent(topic, message, topicName, partition) });
          } catch (error) {
            if (!(error instanceof PoisonMessageError)) throw error;
            await deadLetter(message, topicName, partition, error);
          }
        }
        if (decoded.length === 0) return;
        try {
          await handler(decoded.map((d) => d.event));
          return;
        } catch (error) {
          if (isTransientError(error)) throw error;
          this.log.warn('chunk failed, handling its events one by one', { topic: topicName, partition, events: decoded.length, error });
        }
        for (const { message, event } of decoded) {
          try {
            await handler([event]);
          } catch (error) {
            if (isTransientError(error)) throw error;
            await deadLetter(message, topicName, partition, error as Error);
          }
        }
      },
      maxChunk,
    );
    if (topic.newGroupsStartAt === 'latest') this.routes.get(topic.name)!.fromBeginning = false;
    return this;
  }

  /** Handles a topic whose payload the handler decodes itself (throw PoisonMessageError to dead-letter at once). */
  onRaw(topicName: string, route: Route): this {
    if (this.running) throw new Error('subscribe before start()');
    this.routes.set(topicName, { single: route });
    return this;
  }

  /** Handles a topic in chunks of up to `maxChunk` consecutive messages of one partition. If a
   * chunk fails for good, each of its messages is dead-lettered with the error. */
  onRawBatch(topicName: string, handle: BatchRoute, maxChunk = 1000): this {
    if (this.running) throw new Error('subscribe before start()');
    this.routes.set(topicName, { batch: { handle, maxChunk } });
    return this;
  }

  get topics(): string[] {
    return [...this.routes.keys()];
  }

  async start(): Promise<void> {
    if (this.routes.size === 0) return;
    this.running = true;
    await this.options.publisher.connect();
    await this.startConsumer();
  }

  /** Stops after the message in hand; resolved offsets are committed on the way out. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts by itself after retriable errors; otherwise start a fresh member.
      this.log.warn('consumer crashed', { error: payload.error, restart: payload.restart });
      if (!payload.restart && this.running) this.scheduleRestart(consumer);
    });
    try {
      await consumer.connect();
      const fromBeginning = (topic: string) => this.routes.get(topic)?.fromBeginning ?? this.options.fromBeginning ?? true;
      for (const start of [true, false]) {
        const topics = this.topics.filter((t) => fromBeginning(t) === start);
        if (topics.length > 0) await consumer.subscribe({ topics, fromBeginning: start });
      }
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: 1000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.handleBatch(payload),
      });
      this.log.info('consuming', { topics: this.topics });
    } catch (error) {
      this.log.warn('consumer could not start, retrying', { error });
      this.scheduleRestart(consumer);
    }
  }

  private scheduleRestart(old: Consumer): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(async () => {
      await old.disconnect().catch(() => undefined);
      if (this.running && this.consumer === old) await this.startConsumer();
    }, this.maxBackoffMs);
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const routing = this.routes.get(batch.topic);
    if (!routing) return;
    const owned = () => isRunning() && !isStale();
    const step = routing.batch?.maxChunk ?? 1;
    for (let i = 0; i < batch.messages.length && owned(); i += step) {
      const chunk = batch.messages.slice(i, i + step);
      const run = routing.batch
        ? () => routing.batch!.handle(chunk, batch.topic, batch.partition)
        : () => withCorrelation(headerString(chunk[0].headers, Headers.correlationId), () => routing.single!(chunk[0], batch.topic, batch.partition));
      const handled = await this.handleWithRetries(run, chunk, batch.topic, batch.partition, heartbeat, owned);
      if (!handled) break;
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      await commitOffsetsIfNecessary();
      // A batch of many chunks (each a database transaction) can outlast the session otherwise.
      await heartbeat().catch(() => undefined);
      this.options.metrics?.kafkaConsumerLag.set(
        { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
      );
    }
  }

  /** Returns false when the consumer stopped before the messages were done (they are not resolved). */
  private async handleWithRetries(
    run: () => Promise<void>,
    messages: KafkaMessage[],
    topic: string,
    partition: number,
    heartbeat: () => Promise<void>,
    stillOwned: () => boolean,
  ): Promise<boolean> {
    const labels = { group: this.options.groupId, topic };
    const timer = this.options.metrics?.kafkaHandlerDuration.startTimer(labels);
    try {
      for (let attempt = 1, failures = 0; ; failures++) {
        try {
          await run();
          this.options.metrics?.kafkaMessages.inc({ ...labels, outcome: 'processed' }, messages.length);
          return true;
        } catch (error) {
          const transient = isTransientError(error);
          if (error instanceof PoisonMessageError || isPermanentError(error) || (!transient && attempt >= this.maxAttempts)) {
            for (const message of messages) await this.deadLetter(message, topic, partition, error as Error, attempt);
            return true;
          }
          if (!transient) attempt++;
          this.options.metrics?.kafkaMessages.inc({ ...labels, outcome: 'retried' }, messages.length);
          const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(failures, 20));
          this.log.warn('handler failed, retrying', { topic, partition, offset: messages[0].offset, attempt, transient, delayMs: delay, error });
          await sleep(delay);
          await heartbeat().catch(() => undefined);
          if (!stillOwned()) return false;
        }
      }
    } finally {
      timer?.();
    }
  }

  private async deadLetter(message: KafkaMessage, topic: string, partition: number, error: Error, attempts: number): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [Headers.dlqError]: error.message.slice(0, 4000),
      [Headers.dlqErrorKind]: error instanceof PoisonMessageError ? 'poison' : isPermanentError(error) ? 'rejected' : 'handler',
      [Headers.dlqTopic]: topic,
      [Headers.dlqPartition]: String(partition),
      [Headers.dlqOffset]: message.offset,
      [Headers.dlqGroup]: this.options.groupId,
      [Headers.dlqAttempts]: String(attempts),
      [Headers.dlqFailedAt]: new Date().toISOString(),
    };
    // If this send fails the error propagates: the offset stays unresolved and the message is
    // delivered again, so nothing is lost.
    await this.options.publisher.sendRaw([
      { topic: this.options.deadLetterTopic ?? RawTopics.deadLetters, key: message.key?.toString() ?? null, value: message.value, headers },
    ]);
    this.options.metrics?.kafkaMessages.inc({ group: this.options.groupId, topic, outcome: 'dead_lettered' });
    this.log.error('message dead-lettered', { topic, partition, offset: message.offset, attempts, reason: error.message });
  }
}

function consumedEvent<T>(topic: EventTopic<T>, message: KafkaMessage, topicName: string, partition: number): ConsumedEvent<T> {
  return {
    payload: decodeEvent(topic, message.value, message.headers),
    eventId: headerString(message.headers, Headers.eventId) ?? `${topicName}:${partition}:${message.offset}`,
    correlationId: headerString(message.headers, Headers.correlationId),
    key: message.key?.toString() ?? null,
    topic: topicName,
    partition,
    offset: message.offset,
    headers: message.headers ?? {},
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

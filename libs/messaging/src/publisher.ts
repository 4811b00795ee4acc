import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { BucketPartitioner } from './buckets';
import type { EventTopic } from '@mlops/contracts';
import { currentCorrelationId, newCorrelationId } from '@mlops/observability';
import { encodeEvent } from './codec';
import { Headers } from './headers';

export interface RawRecord {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface PublishOptions {
  /** The aggregate id (dataset, model name): ordering holds per key. */
  key: string;
  eventId?: string;
  correlationId?: string;
}

/**
 * Sends events with an idempotent producer: the broker drops duplicates caused by the
 * producer's own retries, so a retried send never writes a message twice.
 * Services publish domain events through the outbox; this is the relay's and the DLQ's path.
 */
export class EventPublisher {
  private producer: Producer;
  private connected?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly service: string,
  ) {
    this.producer = this.newProducer();
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.producer.disconnect();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: BucketPartitioner,
    });
  }

  /**
   * After a send that failed for good, the producer's sequence numbers may no longer match the
   * broker's, so it is replaced by a fresh one (new producer id) before the caller retries.
   */
  private async replaceProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.connected = undefined;
    await old.disconnect().catch(() => undefined);
  }

  /** Builds the standard headers of an event produced now by this service. */
  eventHeaders(contentType: string, eventId: string = randomUUID(), correlationId?: string): Record<string, string> {
    return {
      [Headers.eventId]: eventId,
      [Headers.correlationId]: correlationId ?? currentCorrelationId() ?? newCorrelationId(),
      [Headers.contentType]: contentType,
      [Headers.occurredAt]: new Date().toISOString(),
      [Headers.producer]: this.service,
    };
  }

  async publish<T>(topic: EventTopic<T>, message: T, options: PublishOptions): Promise<string> {
    const { value, contentType } = encodeEvent(topic, message);
    const headers = this.eventHeaders(contentType, options.eventId, options.correlationId);
    await this.sendRaw([{ topic: topic.name, key: options.key, value, headers }]);
    return headers[Headers.eventId];
  }

  /** Sends records in order; records of one topic go in one request. */
  async sendRaw(records: RawRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const topicMessages: { topic: string; messages: { key: string | null; value: Buffer | null; headers: IHeaders }[] }[] = [];
    for (const record of records) {
      const last = topicMessages[topicMessages.length - 1];
      const message = { key: record.key, value: record.value, headers: record.headers };
      if (last && last.topic === record.topic) last.messages.push(message);
      else topicMessages.push({ topic: record.topic, messages: [message] });
    }
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      await this.replaceProducer();
      throw error;
    }
  }
}

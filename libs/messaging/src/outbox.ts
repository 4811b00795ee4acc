import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventTopic } from '@mlops/contracts';
import type { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { BinaryCopyEncoder, type CopyColumn, copyInto, pgClientOf, schemaOf } from '@mlops/persistence';
import { encodeEvent } from './codec';
import { Headers } from './headers';
import type { EventPublisher } from './publisher';
import { sleep } from './consumer';

/**
 * Transactional outbox. `enqueue` stores an event in the caller's transaction, next to the state
 * change it announces: both commit or neither does. The relay then delivers stored events to
 * Kafka in insertion order, retrying until the broker takes them, and marks them published.
 */
export class Outbox {
  constructor(private readonly publisher: EventPublisher) {}

  /** Stores an event in the given transaction; returns its event id. */
  async enqueue<T>(manager: EntityManager, topic: EventTopic<T>, message: T, options: { key: string }): Promise<string> {
    assertInTransaction(manager);
    const { value, contentType } = encodeEvent(topic, message);
    const headers = this.publisher.eventHeaders(contentType, randomUUID());
    const schema = schemaOf(manager.connection);
    await manager.query(`INSERT INTO "${schema}".outbox_events (id, topic, key, value, headers) VALUES ($1, $2, $3, $4, $5)`, [
      headers[Headers.eventId],
      topic.name,
      options.key,
      value,
      JSON.stringify(headers),
    ]);
    return headers[Headers.eventId];
  }

  /**
   * Stores events of one topic in the given transaction, in the given order (the serial seq the
   * relay delivers by follows the rows of the COPY), with one binary COPY however many there
   * are: for bulk announcements such as a batch of accepted records. Returns their event ids.
   */
  async enqueueMany<T>(manager: EntityManager, topic: EventTopic<T>, events: { message: T; key: string }[]): Promise<string[]> {
    assertInTransaction(manager);
    if (events.length === 0) return [];
    const encoder = new BinaryCopyEncoder(OUTBOX_COLUMNS);
    const ids: string[] = [];
    for (const event of events) {
      const { value, contentType } = encodeEvent(topic, event.message);
      const headers = this.publisher.eventHeaders(contentType, randomUUID());
      ids.push(headers[Headers.eventId]);
      encoder.row([headers[Headers.eventId], topic.name, event.key, value, JSON.stringify(headers)]);
    }
    await copyInto(pgClientOf(manager), `"${schemaOf(manager.connection)}".outbox_events`, OUTBOX_COLUMNS, encoder.finish());
    return ids;
  }
}

const OUTBOX_COLUMNS: readonly CopyColumn[] = [
  { name: 'id', type: 'uuid' },
  { name: 'topic', type: 'text' },
  { name: 'key', type: 'text' },
  { name: 'value', type: 'bytea' },
  { name: 'headers', type: 'jsonb' },
];

function assertInTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('Outbox.enqueue must run inside the transaction of the state change it announces');
  }
}

export interface OutboxRelayOptions {
  logger: JsonLogger;
  metrics?: PlatformMetrics;
  pollIntervalMs?: number;
  batchSize?: number;
  maxBackoffMs?: number;
  /** Published events are deleted after this long. */
  retentionHours?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly log: JsonLogger;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.log = options.logger.child('outbox-relay');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Delivers without waiting for the next poll (call after committing an enqueue). */
  nudge(): void {
    this.wake?.();
  }

  /** Unpublished events; also exported as the mlops_outbox_backlog gauge. */
  async backlog(): Promise<number> {
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM "${schemaOf(this.dataSource)}".outbox_events WHERE published_at IS NULL`,
    );
    this.options.metrics?.outboxBacklog.set(count);
    return count;
  }

  /** Delivers one batch; returns how many events were published. */
  async relayOnce(): Promise<number> {
    const schema = schemaOf(this.dataSource);
    return this.dataSource.transaction(async (manager) => {
      // One relay at a time per schema keeps the topic order equal to the commit order, even
      // with several replicas of the service.
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`outbox:${schema}`]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, key, value, headers FROM "${schema}".outbox_events
         WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [this.options.batchSize ?? 200],
      );
      if (rows.length === 0) return 0;
      await this.publisher.sendRaw(rows.map((row) => ({ topic: row.topic, key: row.key, value: row.value, headers: row.headers })));
      await manager.query(`UPDATE "${schema}".outbox_events SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`, [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
        if (published > 0) {
          this.options.metrics?.outboxPublished.inc(published);
          this.log.debug('relayed outbox events', { count: published });
        }
        if (failures > 0) this.log.info('outbox relay recovered', { failedAttempts: failures });
        failures = 0;
        await this.backlog();
        await this.cleanup();
      } catch (error) {
        failures++;
        this.options.metrics?.outboxPublishFailures.inc();
        await this.recordFailure(error as Error).catch(() => undefined);
        this.log.warn('outbox relay failed, will retry', { error, attempt: failures });
      }
      if (published === 0 || failures > 0) {
        const delay = failures > 0 ? Math.min(this.options.maxBackoffMs ?? 5000, 250 * 2 ** failures) : (this.options.pollIntervalMs ?? 200);
        await this.idle(delay);
      }
    }
  }

  private async recordFailure(error: Error): Promise<void> {
    const schema = schemaOf(this.dataSource);
    await this.dataSource.query(
      `UPDATE "${schema}".outbox_events SET attempts = attempts + 1, last_error = $1
       WHERE id = (SELECT id FROM "${schema}".outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT 1)`,
      [error.message.slice(0, 2000)],
    );
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM "${schemaOf(this.dataSource)}".outbox_events WHERE published_at < now() - make_interval(hours => $1)`,
      [this.options.retentionHours ?? 168],
    );
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([sleep(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
  }
}

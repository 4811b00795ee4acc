import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import { PrivateKafkaBroker, createTopics, freePort, readTopic, testKafkaBrokers, waitFor } from '@mlops/testing';
import { type EventPublisher, Headers, Outbox, OutboxRelay, handleOnce } from '../src';
import { metrics, privateTopic, started, testDataSource, testKafka, testLogger, testPublisher } from './helpers';

describe('transactional outbox and idempotent handling (real Kafka, real Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await testDataSource();
  });
  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schemaOf(dataSource)}" CASCADE`);
    await dataSource.destroy();
  });

  it('stores nothing when the transaction of the state change rolls back', async () => {
    const kafka = testKafka(testKafkaBrokers());
    const outbox = new Outbox(testPublisher(kafka));
    const topic = privateTopic('rollback');
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.enqueue(manager, topic, started(1), { key: 'k' });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const rows = await dataSource.query(`SELECT count(*)::int AS n FROM "${schemaOf(dataSource)}".outbox_events WHERE topic = $1`, [topic.name]);
    expect(rows[0].n).toBe(0);
    await expect(outbox.enqueue(dataSource.manager, topic, started(1), { key: 'k' })).rejects.toThrow('inside the transaction');
  });

  it('stores events given together in their order, with one COPY, and the relay delivers them in that order', async () => {
    const kafka = testKafka(testKafkaBrokers());
    const publisher = testPublisher(kafka);
    const outbox = new Outbox(publisher);
    const topic = privateTopic('many');
    await createTopics(testKafkaBrokers(), [topic.name]);
    const events = Array.from({ length: 50 }, (_, i) => ({ message: started(i), key: 'one-key' }));
    const ids = await dataSource.transaction((manager) => outbox.enqueueMany(manager, topic, events));
    expect(new Set(ids).size).toBe(50);
    const rows = await dataSource.query(`SELECT id, key, headers->>'event-id' AS header_id FROM "${schemaOf(dataSource)}".outbox_events WHERE topic = $1 ORDER BY seq`, [topic.name]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(rows.every((r: { id: string; key: string; header_id: string }) => r.key === 'one-key' && r.header_id === r.id)).toBe(true);
    const relay = new OutboxRelay(dataSource, publisher, { logger: testLogger(), metrics: metrics(), batchSize: 500 });
    while ((await relay.relayOnce()) > 0);
    await publisher.disconnect();
    const delivered = await readTopic(testKafkaBrokers(), topic.name, 50);
    expect(delivered.map((d) => topic.codec.decode(d.value!).instanceId)).toEqual(events.map((e) => e.message.instanceId));
    expect(delivered.map((d) => d.headers?.[Headers.eventId]?.toString())).toEqual(ids);
    await expect(outbox.enqueueMany(dataSource.manager, topic, events)).rejects.toThrow('inside the transaction');
  });

  it('delivers an event written while the broker is down, once, after it comes back', async () => {
    const port = await freePort();
    const broker = new PrivateKafkaBroker(port);
    await broker.start();
    const kafka: Kafka = testKafka(broker.brokers);
    const publisher: EventPublisher = testPublisher(kafka);
    const topic = privateTopic('outage');
    await createTopics(broker.brokers, [topic.name]);
    const relay = new OutboxRelay(dataSource, publisher, { logger: testLogger(), metrics: metrics(), pollIntervalMs: 100, maxBackoffMs: 1000 });
    try {
      await broker.stop();
      const outbox = new Outbox(publisher);
      const eventId = await dataSource.transaction((manager) => outbox.enqueue(manager, topic, started(7), { key: 'k' }));
      relay.start();

      // The relay keeps failing while the broker is away, and the event waits in the outbox.
      const schema = schemaOf(dataSource);
      const failed = await waitFor(
        async () => {
          const [row] = await dataSource.query(`SELECT attempts, last_error, published_at FROM "${schema}".outbox_events WHERE id = $1`, [eventId]);
          return row.attempts > 0 && row;
        },
        { timeoutMs: 90_000, what: 'a failed delivery attempt' },
      );
      expect(failed.published_at).toBeNull();
      expect(failed.last_error).toBeTruthy();
      expect(await relay.backlog()).toBe(1);

      await broker.start();
      await waitFor(async () => (await relay.backlog()) === 0, { timeoutMs: 90_000, what: 'the outbox to drain' });
      const messages = await readTopic(broker.brokers, topic.name, 1, { settleMs: 2000 });
      expect(messages).toHaveLength(1);
      expect(messages[0].headers?.[Headers.eventId]?.toString()).toBe(eventId);
      expect(topic.codec.decode(messages[0].value!)).toEqual(started(7));
    } finally {
      await relay.stop();
      await publisher.disconnect().catch(() => undefined);
      await broker.wipe();
    }
  });

  it('runs the handler of a redelivered event once', async () => {
    const schema = schemaOf(dataSource);
    await dataSource.query(`CREATE TABLE "${schema}".effects (n int)`);
    const effect = (n: number) => handleOnce(dataSource, 'group-a', 'event-42', (m) => m.query(`INSERT INTO "${schema}".effects VALUES ($1)`, [n]));

    expect(await effect(1)).toBe(true);
    expect(await effect(2)).toBe(false);
    // Another consumer group handles the same event on its own.
    expect(await handleOnce(dataSource, 'group-b', 'event-42', async () => undefined)).toBe(true);
    // A failed effect leaves no marker, so the retry runs it.
    await expect(handleOnce(dataSource, 'group-a', 'event-43', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await effect(3)).toBe(false);
    expect(await handleOnce(dataSource, 'group-a', 'event-43', (m) => m.query(`INSERT INTO "${schema}".effects VALUES (43)`))).toBe(true);

    const rows = await dataSource.query(`SELECT n FROM "${schema}".effects ORDER BY n`);
    expect(rows.map((r: { n: number }) => r.n)).toEqual([1, 43]);
  });
});

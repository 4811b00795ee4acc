import type { Kafka } from 'kafkajs';
import { createTopics, readTopic, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { type ConsumedEvent, EventConsumer, type EventPublisher, Headers, encodeEvent, sleep } from '../src';
import { type ServiceStarted, privateTopic, started, testKafka, testLogger, testPublisher } from './helpers';

/** Consumer delivery rules against the real broker: decode, dead letters, retries, commits. */
describe('EventConsumer (real Kafka)', () => {
  const brokers = testKafkaBrokers();
  let kafka: Kafka;
  let publisher: EventPublisher;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    kafka = testKafka(brokers);
    publisher = testPublisher(kafka);
    await publisher.connect();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await publisher.disconnect();
  });

  function consumer(groupId: string, deadLetterTopic: string, maxAttempts = 3): EventConsumer {
    const c = new EventConsumer(kafka, { groupId, publisher, logger: testLogger(), deadLetterTopic, maxAttempts, initialBackoffMs: 50 });
    consumers.push(c);
    return c;
  }

  it('delivers a protobuf event from one client to another, decoded intact with its headers', async () => {
    const topic = privateTopic('decode');
    const dlq = `${topic.name}.dlq`;
    await createTopics(brokers, [topic.name, dlq]);
    const received: ConsumedEvent<ServiceStarted>[] = [];
    await consumer(uniqueName('g'), dlq).on(topic, async (e) => void received.push(e)).start();

    const eventId = await publisher.publish(topic, started(1), { key: 'svc', correlationId: 'corr-decode-1' });

    const [event] = await waitFor(() => received.length > 0 && received, { what: 'the event' });
    expect(event.payload).toEqual(started(1));
    expect(event.eventId).toBe(eventId);
    expect(event.correlationId).toBe('corr-decode-1');
    expect(event.key).toBe('svc');
    expect(event.headers[Headers.contentType]?.toString()).toBe('application/x-protobuf; type=mlops.events.v1.ServiceStarted');
  });

  it('a new group reads the history of ordinary topics, and only what follows on live streams', async () => {
    const history = privateTopic('history');
    const live = { ...privateTopic('live'), newGroupsStartAt: 'latest' as const };
    const dlq = `${history.name}.dlq`;
    await createTopics(brokers, [history.name, live.name, dlq]);
    await publisher.publish(history, started(1), { key: 'k' });
    await publisher.publish(live, started(2), { key: 'k' });
    const received: string[] = [];
    const c = consumer(uniqueName('g'), dlq);
    await c.on(history, async (e) => void received.push(`history ${e.payload.instanceId}`)).on(live, async (e) => void received.push(`live ${e.payload.instanceId}`)).start();
    await waitFor(() => received.includes('history instance-1'), { what: 'the history' });
    // The group joins asynchronously: publish on the live stream until one gets through.
    await waitFor(async () => {
      await publisher.publish(live, started(3), { key: 'k' });
      await sleep(300);
      return received.includes('live instance-3');
    }, { what: 'a live event', timeoutMs: 20_000 });
    expect(received).not.toContain('live instance-2');
  });

  it('dead-letters a poison message with its reason and original headers, then goes on', async () => {
    const topic = privateTopic('poison');
    const dlq = `${topic.name}.dlq`;
    await createTopics(brokers, [topic.name, dlq]);
    const poison = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await publisher.sendRaw([
      { topic: topic.name, key: 'k', value: poison, headers: { [Headers.contentType]: 'application/x-protobuf', 'x-origin': 'fuzzer' } },
    ]);
    await publisher.publish(topic, started(2), { key: 'k' });
    const received: ServiceStarted[] = [];
    await consumer(uniqueName('g'), dlq).on(topic, async (e) => void received.push(e.payload)).start();

    await waitFor(() => received.length === 1, { what: 'the good message after the poison one' });
    expect(received).toEqual([started(2)]);
    const [dead] = await readTopic(brokers, dlq, 1);
    expect(dead.value).toEqual(poison);
    expect(dead.key?.toString()).toBe('k');
    const h = (name: string) => dead.headers?.[name]?.toString();
    expect(h(Headers.dlqErrorKind)).toBe('poison');
    expect(h(Headers.dlqError)).toContain('undecodable mlops.events.v1.ServiceStarted');
    expect(h(Headers.dlqTopic)).toBe(topic.name);
    expect(h(Headers.dlqOffset)).toBe('0');
    expect(h(Headers.dlqAttempts)).toBe('1');
    expect(h('x-origin')).toBe('fuzzer');
  });

  it('retries a failing handler with backoff, and dead-letters it after the last attempt', async () => {
    const topic = privateTopic('retry');
    const dlq = `${topic.name}.dlq`;
    await createTopics(brokers, [topic.name, dlq]);
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    await consumer(uniqueName('g'), dlq, 3)
      .on(topic, async ({ payload }) => {
        const n = (attempts.get(payload.instanceId) ?? 0) + 1;
        attempts.set(payload.instanceId, n);
        // instance-1 fails once then works; instance-2 always fails.
        if (payload.instanceId === 'instance-2' || n === 1) throw new Error(`handler refused ${payload.instanceId} (attempt ${n})`);
        handled.push(payload.instanceId);
      })
      .start();
    await publisher.publish(topic, started(2), { key: 'k' });
    await publisher.publish(topic, started(1), { key: 'k' });

    await waitFor(() => handled.length === 1, { what: 'the transiently failing message' });
    expect(handled).toEqual(['instance-1']);
    expect(attempts.get('instance-1')).toBe(2);
    expect(attempts.get('instance-2')).toBe(3);
    const [dead] = await readTopic(brokers, dlq, 1);
    expect(dead.headers?.[Headers.dlqErrorKind]?.toString()).toBe('handler');
    expect(dead.headers?.[Headers.dlqError]?.toString()).toBe('handler refused instance-2 (attempt 3)');
    expect(dead.headers?.[Headers.dlqAttempts]?.toString()).toBe('3');
  });

  it('in chunks: a poison message and an event the handler refuses are dead-lettered alone, their neighbours handled', async () => {
    const topic = privateTopic('chunks');
    const dlq = `${topic.name}.dlq`;
    await createTopics(brokers, [topic.name, dlq]);
    for (const n of [1, 2]) await publisher.publish(topic, started(n), { key: 'k' });
    await publisher.sendRaw([{ topic: topic.name, key: 'k', value: Buffer.from([0x0a, 0xff, 0xff]), headers: { [Headers.contentType]: 'application/x-protobuf' } }]);
    for (const n of [3, 4, 5]) await publisher.publish(topic, started(n), { key: 'k' });
    const chunks: string[][] = [];
    const handled: string[] = [];
    await consumer(uniqueName('g'), dlq)
      .onBatch(
        topic,
        async (events) => {
          const ids = events.map((e) => e.payload.instanceId);
          chunks.push(ids);
          // Like a database statement over the chunk: one bad event fails it whole.
          if (ids.includes('instance-4')) throw new Error('instance-4 is refused');
          handled.push(...ids);
        },
        10,
      )
      .start();
    await waitFor(() => handled.length === 4, { what: 'the four good events' });
    expect(handled.sort()).toEqual(['instance-1', 'instance-2', 'instance-3', 'instance-5']);
    // The whole chunk first (all of it arrived before the group joined), then one at a time.
    expect(chunks[0]).toEqual(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5']);
    const dead = await readTopic(brokers, dlq, 2);
    expect(dead.map((m) => [m.headers?.[Headers.dlqErrorKind]?.toString(), m.headers?.[Headers.dlqError]?.toString()])).toEqual([
      ['poison', expect.stringContaining('undecodable mlops.events.v1.ServiceStarted')],
      ['handler', 'instance-4 is refused'],
    ]);
  });

  it('commits only processed offsets when stopped mid-stream', async () => {
    const topic = privateTopic('commit');
    const dlq = `${topic.name}.dlq`;
    await createTopics(brokers, [topic.name, dlq]);
    const group = uniqueName('g');
    for (let n = 0; n < 10; n++) {
      const { value, contentType } = encodeEvent(topic, started(n));
      await publisher.sendRaw([{ topic: topic.name, key: 'k', value, headers: { [Headers.contentType]: contentType } }]);
    }
    // The first member handles 0..4, then fails on 5 and is stopped while it waits to retry.
    const first: number[] = [];
    const firstConsumer = new EventConsumer(kafka, { groupId: group, publisher, logger: testLogger(), deadLetterTopic: dlq, maxAttempts: 10, initialBackoffMs: 3000 });
    await firstConsumer
      .on(topic, async ({ payload }) => {
        const n = Number(payload.instanceId.split('-')[1]);
        if (n === 5) throw new Error('not now');
        first.push(n);
      })
      .start();
    await waitFor(() => first.length === 5, { what: 'five processed messages' });
    await sleep(500);
    await firstConsumer.stop();

    const second: number[] = [];
    await consumer(group, dlq).on(topic, async ({ payload }) => void second.push(Number(payload.instanceId.split('-')[1]))).start();
    await waitFor(() => second.length === 5, { what: 'the rest of the stream' });
    expect(first).toEqual([0, 1, 2, 3, 4]);
    expect(second).toEqual([5, 6, 7, 8, 9]);
  });
});

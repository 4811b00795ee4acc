import { createHook } from 'node:async_hooks';
import { createTopics, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { EventConsumer, kafkajsScheduleCheck, sleep } from '../src';
import { privateTopic, started, testKafka, testLogger, testPublisher } from './helpers';

/** Timers created in the process while `during` runs, by delay (ms, rounded). */
async function timersWhile(during: () => Promise<void>): Promise<{ total: number; short: number }> {
  let total = 0;
  let short = 0;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      total++;
      if (((resource as { _idleTimeout?: number })._idleTimeout ?? 1000) <= 1) short++;
    },
  });
  hook.enable();
  try {
    await during();
  } finally {
    hook.disable();
  }
  return { total, short };
}

/**
 * kafkajs 2.2.4 re-arms a 1 ms timer forever on every idle broker connection (see
 * src/kafkajs-idle-fix.ts). Against the real broker: an idle consumer and producer with kafkajs's
 * own scheduling, then with the fix.
 */
describe('kafkajs idle connections (real Kafka)', () => {
  const brokers = testKafkaBrokers();

  it('an idle consumer and producer arm no 1 ms timers with the fix, and hundreds a second without it', async () => {
    const kafka = testKafka(brokers);
    const publisher = testPublisher(kafka);
    await publisher.connect();
    const topic = privateTopic('idle');
    await createTopics(brokers, [topic.name, `${topic.name}.dlq`]);
    let handled = 0;
    const consumer = new EventConsumer(kafka, { groupId: uniqueName('idle'), publisher, logger: testLogger(), deadLetterTopic: `${topic.name}.dlq` });
    await consumer.on(topic, async () => void handled++).start();
    const proto = kafkajsScheduleCheck.prototype;
    try {
      // Traffic first, so every connection has answered requests; then two idle seconds each way.
      await publisher.publish(topic, started(1), { key: 'k' });
      await waitFor(() => handled === 1, { what: 'the event handled' });
      await sleep(500);
      const fixed = await timersWhile(() => sleep(2000));
      // kafkajs's own scheduling back: the loop starts on each connection's next response.
      proto.scheduleCheckPendingRequests = kafkajsScheduleCheck.original!;
      await publisher.publish(topic, started(2), { key: 'k' });
      await waitFor(() => handled === 2, { what: 'the second event handled' });
      await sleep(500);
      const unfixed = await timersWhile(() => sleep(2000));
      console.log(`idle for 2 s: ${fixed.short} timers of ≤ 1 ms with the fix (${fixed.total} timers in all), ${unfixed.short} with kafkajs's own scheduling (${unfixed.total} in all)`);
      expect(fixed.short).toBeLessThan(20);
      expect(unfixed.short).toBeGreaterThan(500);
    } finally {
      proto.scheduleCheckPendingRequests = kafkajsScheduleCheck.fixed!;
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('requests held back by the in-flight limit still go out with the fix', async () => {
    const kafka = testKafka(brokers);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const topic = uniqueName('mlops.test.inflight');
    await createTopics(brokers, [topic]);
    try {
      // 50 concurrent sends on one connection with one request in flight: 49 wait in the queue.
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic, messages: [{ key: `k${i}`, value: `v${i}` }] })));
      expect(results).toHaveLength(50);
    } finally {
      await producer.disconnect();
    }
  });
});

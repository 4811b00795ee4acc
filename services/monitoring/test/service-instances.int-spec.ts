import { RawTopics, Topics } from '@mlops/contracts';
import { type RunningService, createTopics, grpcClient, readTopic, startPlatformService, testKafkaBrokers, waitFor } from '@mlops/testing';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The event path end to end: ingestion announces its start through its outbox, the broker
 * carries the protobuf event, monitoring's consumer group decodes it and records the instance,
 * and a gRPC client reads it back. A redelivered copy of the event changes nothing.
 */
describe('ServiceStarted: ingestion → Kafka → monitoring', () => {
  let monitoring: RunningService;
  let ingestion: RunningService;

  beforeAll(async () => {
    await createTopics(testKafkaBrokers(), [Topics.serviceStarted.name, RawTopics.deadLetters], 3).catch(() => undefined);
    monitoring = await startPlatformService('monitoring');
    ingestion = await startPlatformService('ingestion');
  });
  afterAll(async () => {
    await ingestion?.stop();
    await monitoring?.stop();
  });

  it('records the instance exactly as ingestion announced it', async () => {
    const status = grpcClient(ingestion.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    const api = grpcClient(monitoring.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
    try {
      const self = await status.GetStatus({});
      const instance = await waitFor(
        async () => {
          const { instances } = (await api.ListServiceInstances({ service: 'ingestion', limit: 1000 })) as { instances: Record<string, unknown>[] };
          return instances.find((i) => i.instanceId === self.instanceId);
        },
        { timeoutMs: 30_000, what: 'monitoring to record the ingestion instance' },
      );
      expect(instance).toMatchObject({ service: 'ingestion', version: self.version, startedAtMs: self.startedAtMs });
      expect(typeof instance.host).toBe('string');
      expect((instance.host as string).length).toBeGreaterThan(0);
    } finally {
      status.close();
      api.close();
    }
  });

  it('skips a redelivered copy of the event', async () => {
    const status = grpcClient(ingestion.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    const self = await status.GetStatus({});
    status.close();
    // Find ingestion's own event on the topic and send the very same record again.
    const all = await readTopic(testKafkaBrokers(), Topics.serviceStarted.name, 1, { settleMs: 1500 });
    const original = all.find((m) => Topics.serviceStarted.codec.decode(m.value!).instanceId === self.instanceId);
    expect(original).toBeDefined();
    const eventId = original!.headers!['event-id']!.toString();
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: Topics.serviceStarted.name, messages: [{ key: original!.key, value: original!.value, headers: original!.headers }] });
    await producer.disconnect();

    await monitoring.proc.waitForLog((l) => l.msg === 'duplicate event skipped' && l.eventId === eventId, 30_000, 'the duplicate to be skipped');
    const recorded = monitoring.proc.logs.filter((l) => l.msg === 'service instance recorded' && l.instanceId === self.instanceId);
    expect(recorded).toHaveLength(1);
    // The correlation id travelled in the Kafka headers into monitoring's log context.
    expect(recorded[0].correlationId).toBe(original!.headers!['x-correlation-id']!.toString());
  });
});

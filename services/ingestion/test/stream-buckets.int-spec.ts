import { Kafka, Partitioners, logLevel } from 'kafkajs';
import pg from 'pg';
import { RawTopics, Topics } from '@mlops/contracts';
import { entityHash } from '@mlops/messaging';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, startPlatformService, testDatabaseUrl, uniqueName, waitFor } from '@mlops/testing';
import { tripsDataset } from './ingestion-fixtures';

const PARTITIONS = 4;

/**
 * Issue 18 (feature-store replicas): a dataset's accepted records are spread over the topic's
 * partitions by entity bucket, one bucket per partition, so every partition carries an even
 * share while each entity stays in one partition, in order. A dataset registered before this
 * layout (stream_buckets 0) keeps its 12 murmur-placed keys, so no entity moves across the change.
 * On the old code the new dataset's 12 keys land where murmur2 puts them and this fails.
 */
describe('accepted-records stream layout', () => {
  it('spreads a new dataset evenly over the partitions, keeps each entity in one, and leaves legacy datasets as they were', async () => {
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [RawTopics.recordsReceived, Topics.recordsAccepted.name], PARTITIONS);
    const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const api = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const db = new pg.Client({ connectionString: testDatabaseUrl() });
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('layout-reader') });
    const fresh = uniqueName('bucketed').replace(/_/g, '-');
    const legacy = uniqueName('legacy').replace(/_/g, '-');
    const entities = 400;
    const perEntity = 5;
    try {
      await db.connect();
      await api.RegisterDataset(tripsDataset(fresh));
      await api.RegisterDataset(tripsDataset(legacy));
      const buckets = async (name: string) => (await db.query(`SELECT stream_buckets FROM "${ingestion.schema}".datasets WHERE name = $1`, [name])).rows[0].stream_buckets;
      expect(await buckets(fresh)).toBe(PARTITIONS);
      // As a dataset registered by the previous release looks after the migration.
      await db.query(`UPDATE "${ingestion.schema}".datasets SET stream_buckets = 0 WHERE name = $1`, [legacy]);

      await producer.connect();
      const record = (dataset: string, driver: number, n: number) => ({ key: `${driver}`, value: JSON.stringify({ dataset, record_id: `${driver}-${n}`, fields: { driver_id: driver, ts: 1_790_000_000_000 + n * 1000, fare: 10, payment: 'card', tip: 1 } }) });
      for (let n = 0; n < perEntity; n++) {
        await producer.send({ topic: RawTopics.recordsReceived, messages: Array.from({ length: entities }, (_, d) => record(fresh, d, n)) });
        await producer.send({ topic: RawTopics.recordsReceived, messages: Array.from({ length: 50 }, (_, d) => record(legacy, d, n)) });
      }

      // Every accepted-records event: its partition, key and records, in partition order.
      const seen: { partition: number; key: string; dataset: string; records: { entityKey: string; eventTimeMs: number }[] }[] = [];
      let count = 0;
      await consumer.connect();
      await consumer.subscribe({ topic: Topics.recordsAccepted.name, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => {
        const event = Topics.recordsAccepted.codec.decode(message.value!);
        seen.push({ partition, key: message.key!.toString(), dataset: event.dataset, records: event.records.map((r) => ({ entityKey: r.entityKey, eventTimeMs: Number(r.eventTimeMs) })) });
        count += event.records.length;
      } });
      await waitFor(() => count >= (entities + 50) * perEntity, { timeoutMs: 90_000, what: 'every accepted record on the topic' });

      const perPartition = new Array(PARTITIONS).fill(0);
      const partitionOf = new Map<string, Set<number>>();
      const lastTime = new Map<string, number>();
      for (const e of seen.filter((s) => s.dataset === fresh)) {
        expect(e.key).toMatch(new RegExp(`^${fresh}#[0-3]/${PARTITIONS}$`));
        for (const r of e.records) {
          perPartition[e.partition]++;
          expect(e.partition).toBe(entityHash(r.entityKey) % PARTITIONS);
          partitionOf.set(r.entityKey, (partitionOf.get(r.entityKey) ?? new Set()).add(e.partition));
          // Within its partition an entity's records arrive in the order they were ingested.
          expect(r.eventTimeMs).toBeGreaterThan(lastTime.get(r.entityKey) ?? 0);
          lastTime.set(r.entityKey, r.eventTimeMs);
        }
      }
      const total = entities * perEntity;
      console.log(`new dataset, ${entities} entities over ${PARTITIONS} partitions: ${perPartition.join(' · ')} records`);
      expect(perPartition.reduce((a, b) => a + b, 0)).toBe(total);
      // 400 entities hashed over 4 partitions: each share 25 % ± a few points.
      for (const n of perPartition) expect(n / total).toBeGreaterThan(0.18);
      expect([...partitionOf.values()].every((p) => p.size === 1)).toBe(true);

      // The legacy dataset: its old keys, placed by Kafka's default partitioner as before.
      const murmur = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
      const legacyEvents = seen.filter((s) => s.dataset === legacy);
      expect(legacyEvents.reduce((n, e) => n + e.records.length, 0)).toBe(50 * perEntity);
      for (const e of legacyEvents) {
        expect(e.key).toMatch(new RegExp(`^${legacy}#([0-9]|1[01])$`));
        expect(e.partition).toBe(murmur({ topic: Topics.recordsAccepted.name, partitionMetadata, message: { key: e.key, value: null } }));
        for (const r of e.records) expect(e.key).toBe(`${legacy}#${entityHash(r.entityKey) % 12}`);
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await db.end().catch(() => undefined);
      api.close();
      await ingestion.stop();
      await broker.stop();
    }
  });
});

import { Kafka, logLevel } from 'kafkajs';
import { RawTopics } from '@mlops/contracts';
import { PrivateKafkaBroker, type RunningService, createTopics, freePort, waitForGroupMembers, grpcClient, httpGet, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { trip, tripsDataset } from './ingestion-fixtures';

/** Records of `dataset` a replica counted, by outcome, from its /metrics. */
async function counted(service: RunningService, dataset: string): Promise<{ accepted: number; duplicate: number }> {
  const text = (await httpGet(`${service.httpUrl}/metrics`)).body;
  const value = (outcome: string) => Number(new RegExp(`mlops_ingestion_records_total\\{[^}]*dataset="${dataset}"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { accepted: value('accepted'), duplicate: value('duplicate') };
}

/**
 * Two ingestion replicas in one consumer group (issue 7, scale-out): they share the input
 * topic's partitions, each record is stored once, and when one is killed its partitions are
 * handed to the other without loss.
 */
describe('two ingestion replicas', () => {
  it('share the stream, store each record once, and survive the loss of one', async () => {
    const total = 30_000;
    // A broker of its own, the input topic with 3 partitions to share.
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [RawTopics.recordsReceived], 3);
    const first = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const shared = { INGESTION_DB_SCHEMA: first.schema, INGESTION_CONSUMER_GROUP: `ingestion-${first.schema}` };
    const second = await startPlatformService('ingestion', { env: shared, kafkaBrokers: broker.brokers });
    const api = grpcClient(first.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    const dataset = uniqueName('replicated').replace(/_/g, '-');
    try {
      await api.RegisterDataset(tripsDataset(dataset));
      await producer.connect();
      // Both members in the group before the stream starts (else the first may drain it alone).
      await waitForGroupMembers(broker.brokers, shared.INGESTION_CONSUMER_GROUP, 2);
      // Keys spread the records over every partition of the topic.
      for (let from = 0; from < total; from += 1000) {
        await producer.send({ topic: RawTopics.recordsReceived, messages: Array.from({ length: 1000 }, (_, k) => ({ key: `k${from + k}`, value: JSON.stringify({ dataset, record_id: `s${from + k}`, fields: trip(from + k) }) })) });
      }
      // Both replicas take part before one of them dies.
      const shares = await waitFor(async () => {
        const [a, b] = await Promise.all([counted(first, dataset), counted(second, dataset)]);
        return a.accepted > 0 && b.accepted > 0 && { a, b };
      }, { timeoutMs: 120_000, what: 'both replicas to store records' });
      expect(await second.proc.stop('SIGKILL')).toBe(null);

      const stored = await waitFor(async () => {
        const { recordCount } = await api.GetDataset({ dataset });
        return recordCount >= total && recordCount;
      }, { timeoutMs: 180_000, what: `${total} stored records (the survivor takes the dead replica's partitions after the session timeout)` });
      await new Promise((r) => setTimeout(r, 3000));
      expect((await api.GetDataset({ dataset })).recordCount).toBe(total);
      const survivor = await counted(first, dataset);
      console.log(`sent ${total}; before the SIGKILL replica 1 stored ${shares.a.accepted}, replica 2 ${shares.b.accepted}; at the end ${stored} stored, the survivor stored ${survivor.accepted} and saw ${survivor.duplicate} redelivered duplicates`);
      // Each record stored by one replica only: the survivor stored at most what the dead one had
      // not (it stored at least shares.b.accepted before it died); redeliveries count as duplicates.
      expect(survivor.accepted).toBeLessThanOrEqual(total - shares.b.accepted);
      expect(survivor.accepted).toBeGreaterThan(0);
    } finally {
      await producer.disconnect().catch(() => undefined);
      api.close();
      await Promise.all([first.stop(), second.stop()]);
      await broker.wipe();
    }
  }, 300_000);
});

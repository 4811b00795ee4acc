import { Kafka, logLevel } from 'kafkajs';
import { RawTopics } from '@mlops/contracts';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { readBack, trip, tripsDataset } from './ingestion-fixtures';

/**
 * SIGKILL in the middle of storing a stream (issue 7): the process dies with batches in flight
 * and offsets not yet committed; a new process with the same schema and consumer group picks up
 * from the committed offsets. Every record is stored exactly once: the count, the record ids and
 * a checksum of the values read back from a dataset version agree with what was produced.
 */
describe('ingestion killed mid-stream', () => {
  it('stores every record exactly once after a SIGKILL and a restart', async () => {
    const total = 20_000;
    const dataset = uniqueName('killed').replace(/_/g, '-');
    // A broker of its own: 20,000 records would otherwise be history every later test's new consumer group reads.
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [RawTopics.recordsReceived], 3);
    let service = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const env = { INGESTION_DB_SCHEMA: service.schema, INGESTION_CONSUMER_GROUP: `ingestion-${service.schema}` };
    let api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await api.RegisterDataset(tripsDataset(dataset));
      await producer.connect();
      let produced = 0;
      let fareSum = 0;
      for (let from = 0; from < total; from += 1000) {
        const messages = Array.from({ length: 1000 }, (_, k) => {
          const fields = trip(from + k);
          fareSum += fields.fare;
          return { key: String((from + k) % 10), value: JSON.stringify({ dataset, record_id: `k${from + k}`, fields }) };
        });
        await producer.send({ topic: RawTopics.recordsReceived, messages });
        produced += messages.length;
      }
      const storedBefore = await waitFor(async () => {
        const { recordCount } = await api.GetDataset({ dataset });
        return recordCount >= 2000 && recordCount;
      }, { timeoutMs: 60_000, what: 'ingestion to be storing' });
      api.close();
      expect(await service.proc.stop('SIGKILL')).toBe(null);

      service = await startPlatformService('ingestion', { env, kafkaBrokers: broker.brokers });
      api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
      const stored = await waitFor(async () => {
        const { recordCount } = await api.GetDataset({ dataset });
        return recordCount >= total && recordCount;
      }, { timeoutMs: 180_000, what: `${total} stored records` });
      // Redeliveries of what the killed process had stored but not committed arrive now: the
      // count must not move past the total.
      await new Promise((r) => setTimeout(r, 3000));
      const back = await readBack(api, dataset);
      console.log(`produced ${produced}; stored ${storedBefore}+ before the SIGKILL; after the restart: stored ${stored}, read back ${back.rows}, distinct ids ${back.distinct}, duplicates ${back.rows - back.distinct}, lost ${produced - back.distinct}; fare checksum ${back.fares} (produced ${fareSum})`);
      expect((await api.GetDataset({ dataset })).recordCount).toBe(total);
      expect(back).toEqual({ rows: total, distinct: total, fares: fareSum });
    } finally {
      await producer.disconnect().catch(() => undefined);
      api.close();
      await service.stop();
      await broker.wipe();
    }
  }, 300_000);
});

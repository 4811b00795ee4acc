import { Kafka, logLevel } from 'kafkajs';
import { RawTopics } from '@mlops/contracts';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { readBack, trip, tripsDataset } from './ingestion-fixtures';

/** A broker restart in the middle of a stream of 100k records: every record is stored exactly
 * once (count, ids and a checksum of the values read back from a dataset version). */
const BATCH = 1000;

describe('ingestion across a broker restart', () => {
  it('stores exactly the records produced, none lost and none twice', async () => {
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [RawTopics.recordsReceived], 3);
    const service = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 200 } }).producer({ idempotent: true, maxInFlightRequests: 1 });
    const dataset = uniqueName('outage').replace(/_/g, '-');
    const total = 100_000;
    try {
      await api.RegisterDataset(tripsDataset(dataset));
      await producer.connect();
      // The producer retries a failed batch until the broker takes it (a retry may duplicate
      // messages in Kafka: ingestion's record ids make that harmless).
      const send = async (from: number) => {
        const messages = Array.from({ length: BATCH }, (_, k) => ({ value: JSON.stringify({ dataset, record_id: `r${from + k}`, fields: trip(from + k) }) }));
        for (;;) {
          try {
            return await producer.send({ topic: RawTopics.recordsReceived, messages });
          } catch {
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };
      for (let i = 0; i < 30_000; i += BATCH) await send(i);
      await broker.stop();
      const restart = (async () => {
        await new Promise((r) => setTimeout(r, 3000));
        await broker.start();
      })();
      for (let i = 30_000; i < total; i += BATCH) await send(i);
      await restart;

      const count = await waitFor(
        async () => {
          const { recordCount } = await api.GetDataset({ dataset });
          return recordCount === total && recordCount;
        },
        { timeoutMs: 120_000, what: `${total} stored records` },
      );
      expect(count).toBe(total);
      // Give redelivered messages a moment to arrive: the count must not move past the total.
      await new Promise((r) => setTimeout(r, 3000));
      expect((await api.GetDataset({ dataset })).recordCount).toBe(total);
      expect(service.proc.logs.filter((l) => l.msg === 'records rejected')).toEqual([]);
      let expectedFares = 0;
      for (let i = 0; i < total; i++) expectedFares += trip(i).fare;
      const back = await readBack(api, dataset);
      console.log(`sent ${total} (broker stopped after 30000, back 3 s later); stored ${count}, read back ${back.rows}, distinct ${back.distinct}, duplicated ${back.rows - back.distinct}, lost ${total - back.distinct}; fare checksum ${back.fares} (sent ${expectedFares})`);
      expect(back).toEqual({ rows: total, distinct: total, fares: expectedFares });
    } finally {
      await producer.disconnect().catch(() => undefined);
      api.close();
      await service.stop();
      await broker.wipe();
    }
  }, 300_000);
});

import { Kafka, logLevel } from 'kafkajs';
import { RawTopics, Topics } from '@mlops/contracts';
import { PrivateKafkaBroker, type RunningService, createTopics, freePort, waitForGroupMembers, grpcClient, httpGet, startPlatformService, uniqueName, waitFor } from '@mlops/testing';

const MIN = 60_000;

/** Accepted-record events a feature-store replica processed, from its /metrics. */
async function processed(service: RunningService): Promise<number> {
  const text = (await httpGet(`${service.httpUrl}/metrics`)).body;
  return [...text.matchAll(/mlops_kafka_messages_total\{[^}]*topic="ingestion\.records\.accepted\.v1"[^}]*outcome="processed"[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

const PARTITIONS = 3;

/**
 * Two feature-store replicas in one consumer group (issue 7, scale-out): ingestion keys a
 * dataset's accepted records by entity bucket (one per partition), so one dataset's stream spreads over the
 * partitions and both replicas materialize it; one is killed mid-stream and the other takes its
 * partitions. Every entity's online window features count each of its records exactly once.
 */
describe('two feature-store replicas', () => {
  it('share one dataset stream, materialize each record once, and survive the loss of one', async () => {
    const drivers = 300;
    const perDriver = 40;
    const total = drivers * perDriver;
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [RawTopics.recordsReceived, Topics.recordsAccepted.name], PARTITIONS);
    const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const upstream = { INGESTION_GRPC_URL: ingestion.grpcAddress };
    const first = await startPlatformService('feature-store', { env: upstream, kafkaBrokers: broker.brokers });
    const shared = { ...upstream, FEATURE_STORE_DB_SCHEMA: first.schema, FEATURE_STORE_CONSUMER_GROUP: `feature-store-${first.schema}` };
    const second = await startPlatformService('feature-store', { env: shared, kafkaBrokers: broker.brokers });
    const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const api = grpcClient(first.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    // A new dataset gets one entity bucket per partition (libs/messaging buckets.ts), so its 300
    // drivers reach every partition and both replicas.
    const dataset = uniqueName('fs-rep').replace(/_/g, '-');
    const t0 = Date.now() - 50 * MIN;
    try {
      await ingest.RegisterDataset({
        dataset,
        entityColumn: 'driver_id',
        eventTimeColumn: 'ts',
        columns: [
          { name: 'driver_id', type: 'COLUMN_TYPE_STRING' },
          { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
          { name: 'fare', type: 'COLUMN_TYPE_FLOAT' },
        ],
      });
      const view = await api.RegisterFeatureView({
        name: `${dataset}-v`,
        sourceDataset: dataset,
        features: [
          { name: 'trips_1h', window: { function: 'AGGREGATE_FUNCTION_COUNT', windowSeconds: 3600 } },
          { name: 'fare_sum_1h', window: { column: 'fare', function: 'AGGREGATE_FUNCTION_SUM', windowSeconds: 3600 } },
        ],
      });
      await waitForGroupMembers(broker.brokers, shared.FEATURE_STORE_CONSUMER_GROUP, 2);

      // Driver d's records: one a minute for 40 minutes, fare = d + minute / 100.
      await producer.connect();
      const started = Date.now();
      for (let minute = 0; minute < perDriver; minute++) {
        await producer.send({
          topic: RawTopics.recordsReceived,
          messages: Array.from({ length: drivers }, (_, d) => ({ key: `d${d}`, value: JSON.stringify({ dataset, record_id: `d${d}-${minute}`, fields: { driver_id: `d${d}`, ts: t0 + minute * MIN, fare: d + minute / 100 } }) })),
        });
      }
      const shares = await waitFor(async () => {
        const [a, b] = [await processed(first), await processed(second)];
        return a > 0 && b > 0 && { a, b };
      }, { timeoutMs: 120_000, what: 'both replicas to materialize records' });
      expect(await second.proc.stop('SIGKILL')).toBe(null);

      const keys = Array.from({ length: drivers }, (_, d) => `d${d}`);
      const counts = async () => {
        const r = await api.GetOnlineFeatures({ featureView: view.name, entityKeys: keys });
        return r.entities.map((e: { values: { numberValue?: number }[] }) => [e.values[0]?.numberValue ?? 0, e.values[1]?.numberValue ?? 0]);
      };
      const done = await waitFor(async () => {
        const c = await counts();
        return c.every(([n]: number[]) => n >= perDriver) && c;
      }, { timeoutMs: 180_000, what: `${perDriver} trips for each of ${drivers} drivers (the survivor takes the dead replica's partitions)` });
      const seconds = (Date.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      const settled = await counts();
      const wrong = settled.filter(([n, sum]: number[], d: number) => n !== perDriver || Math.abs(sum - (perDriver * d + (perDriver * (perDriver - 1)) / 200)) > 1e-3);
      console.log(`sent ${total} records for ${drivers} drivers; replica 1 had processed ${shares.a} events and replica 2 ${shares.b} when it was killed; all ${total} materialized in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} records/s); ${wrong.length} drivers with a wrong count or sum`);
      expect(done).toHaveLength(drivers);
      expect(wrong).toEqual([]);
    } finally {
      await producer.disconnect().catch(() => undefined);
      ingest.close();
      api.close();
      await Promise.all([first.stop(), second.stop(), ingestion.stop()]);
      await broker.wipe();
    }
  }, 300_000);
});

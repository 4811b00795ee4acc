// Feature-store replicas: records/s materialized into the online store (source copy, then the
// entity's window features recomputed) by one replica and by two in one consumer group, side by
// side. Each round is fresh: a private broker, ingestion, k feature-store replicas sharing a
// schema and group, 300 drivers × 40 records produced to the input topic; the clock runs from
// the first record produced to the last driver having all its records counted online.
//
//   bash bench/run.sh feature-store-replicas [rounds=2] [drivers=300] [perDriver=40]
import { Kafka, logLevel } from 'kafkajs';
import { RawTopics, Topics } from '@mlops/contracts';
import { PrivateKafkaBroker, createTopics, freePort, waitForGroupMembers, grpcClient, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { fmt, log, median, table } from './lib.mts';

const rounds = Number(process.argv[2] ?? 2);
const drivers = Number(process.argv[3] ?? 300);
const perDriver = Number(process.argv[4] ?? 40);
const total = drivers * perDriver;

async function round(replicas: number): Promise<number> {
  const broker = new PrivateKafkaBroker(await freePort());
  await broker.start();
  await createTopics(broker.brokers, [RawTopics.recordsReceived, Topics.recordsAccepted.name], 3);
  const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn' } });
  const upstream = { INGESTION_GRPC_URL: ingestion.grpcAddress, LOG_LEVEL: 'warn' };
  const first = await startPlatformService('feature-store', { env: upstream, kafkaBrokers: broker.brokers });
  const group = `feature-store-${first.schema}`;
  const others = await Promise.all(Array.from({ length: replicas - 1 }, () => startPlatformService('feature-store', { env: { ...upstream, FEATURE_STORE_DB_SCHEMA: first.schema, FEATURE_STORE_CONSUMER_GROUP: group }, kafkaBrokers: broker.brokers })));
  const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
  const api = grpcClient(first.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
  const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  const dataset = uniqueName('fsb').replace(/_/g, '-');
  const t0 = Date.now() - 50 * 60_000;
  try {
    await ingest.RegisterDataset({ dataset, entityColumn: 'driver_id', eventTimeColumn: 'ts', columns: [{ name: 'driver_id', type: 'COLUMN_TYPE_STRING' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }, { name: 'fare', type: 'COLUMN_TYPE_FLOAT' }] });
    const view = await api.RegisterFeatureView({ name: `${dataset}-v`, sourceDataset: dataset, features: [{ name: 'trips_1h', window: { function: 'AGGREGATE_FUNCTION_COUNT', windowSeconds: 3600 } }] });
    await waitForGroupMembers(broker.brokers, group, replicas);
    await producer.connect();
    const started = performance.now();
    for (let minute = 0; minute < perDriver; minute++) {
      await producer.send({ topic: RawTopics.recordsReceived, messages: Array.from({ length: drivers }, (_, d) => ({ key: `d${d}`, value: JSON.stringify({ dataset, record_id: `d${d}-${minute}`, fields: { driver_id: `d${d}`, ts: t0 + minute * 60_000, fare: d } }) })) });
    }
    const keys = Array.from({ length: drivers }, (_, d) => `d${d}`);
    await waitFor(async () => {
      const r = await api.GetOnlineFeatures({ featureView: view.name, entityKeys: keys });
      return r.entities.every((e: { values: { numberValue?: number }[] }) => (e.values[0]?.numberValue ?? 0) >= perDriver);
    }, { timeoutMs: 600_000, what: 'every driver materialized' });
    return total / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect().catch(() => undefined);
    ingest.close();
    api.close();
    await Promise.all([first, ...others, ingestion].map((s) => s.stop()));
    await broker.wipe();
  }
}

const results: Record<number, number[]> = { 1: [], 2: [] };
for (let r = 1; r <= rounds; r++) {
  for (const k of [1, 2]) {
    const rate = await round(k);
    results[k]!.push(rate);
    log(`round ${r}, ${k} replica(s): ${fmt(rate, 0)} records/s`);
  }
}
console.log(`\nfeature-store materialization, ${total} records of ${drivers} entities, medians of ${rounds} rounds:`);
console.log(
  table([
    ['replicas', 'records/s', 'rounds', 'ratio'],
    ['1 (baseline)', fmt(median(results[1]!), 0), results[1]!.map((v) => fmt(v, 0)).join(', '), '1.00'],
    ['2', fmt(median(results[2]!), 0), results[2]!.map((v) => fmt(v, 0)).join(', '), fmt(median(results[2]!) / median(results[1]!))],
  ]),
);

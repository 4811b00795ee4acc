// Ingestion throughput: records/s from the input topic to the offline store (validated, stored
// exactly once, events written to the outbox), as a ratio to a bare kafkajs consumer draining
// the same topic without doing anything (both read the same messages from a private broker),
// and to a bare batched INSERT of the same rows into a copy of the offline-store table (the
// storage floor: what Postgres on this machine takes without any pipeline around it).
//
//   bash bench/run.sh ingestion-throughput [records=100000] [rounds=3]
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';
import { fmt, log, median, sleep, table } from './lib.mts';

const TOPIC = 'ingestion.records.received.v1';
const records = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);

const DATASET = (dataset: string) => ({
  dataset,
  entityColumn: 'user_id',
  eventTimeColumn: 'ts',
  columns: [
    { name: 'user_id', type: 'COLUMN_TYPE_INT' },
    { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
    { name: 'amount', type: 'COLUMN_TYPE_FLOAT', hasMin: true, min: 0 },
    { name: 'country', type: 'COLUMN_TYPE_STRING', categories: ['de', 'fr', 'us', 'jp'] },
    { name: 'mobile', type: 'COLUMN_TYPE_BOOL' },
  ],
});

const broker = new PrivateKafkaBroker(await freePort());
log(`starting a private Kafka broker on ${broker.brokers[0]}`);
await broker.start();
const db = new pg.Client({ connectionString: testDatabaseUrl() });
await db.connect();
try {
  await createTopics(broker.brokers, [TOPIC], 3);
  const schema = uniqueName('bench_ingestion');
  // Same schema and consumer group at every start: a restarted service resumes where it stopped.
  const startIngestion = (waitReady: boolean) =>
    startPlatformService('ingestion', {
      kafkaBrokers: broker.brokers,
      waitReady,
      env: { INGESTION_DB_SCHEMA: schema, INGESTION_CONSUMER_GROUP: `ingestion-${schema}`, LOG_LEVEL: 'warn' },
    });
  const bare: number[] = [];
  const insert: number[] = [];
  const platform: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const dataset = `bench-${round}-${Date.now()}`;
    const setup = await startIngestion(true);
    const api = grpcClient(setup.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    await api.RegisterDataset(DATASET(dataset));
    api.close();
    // Stopped while the topic fills, so that both sides drain the same backlog.
    await setup.stop();
    await produce(broker.brokers, dataset, records);
    bare.push(await drainBare(broker.brokers));
    insert.push(await bareInsert(db, schema, records));
    const service = await startIngestion(false);
    platform.push(await drainPlatform(db, schema, dataset, records));
    await service.stop();
    log(`round ${round}: bare consumer ${fmt(bare.at(-1)!, 0)}, bare INSERT ${fmt(insert.at(-1)!, 0)}, ingestion ${fmt(platform.at(-1)!, 0)} records/s`);
  }
  const ratio = median(platform) / median(bare);
  console.log(`\nIngestion throughput, ${records} JSON records, 3 partitions, median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'records/s (median)', 'rounds'],
    ['bare kafkajs consumer (no work)', fmt(median(bare), 0), bare.map((v) => fmt(v, 0)).join(' ')],
    ['bare batched INSERT, same rows and table', fmt(median(insert), 0), insert.map((v) => fmt(v, 0)).join(' ')],
    ['ingestion service (validate + store once)', fmt(median(platform), 0), platform.map((v) => fmt(v, 0)).join(' ')],
  ]));
  console.log(`\nratio ingestion / bare consumer = ${fmt(ratio)} (goal >= 0.5)`);
  console.log(`ratio ingestion / bare INSERT   = ${fmt(median(platform) / median(insert))}`);
  await db.query(`DROP SCHEMA "${schema}" CASCADE`);
} finally {
  await db.end();
  await broker.wipe();
}

async function produce(brokers: string[], dataset: string, n: number): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const countries = ['de', 'fr', 'us', 'jp'];
  for (let start = 0; start < n; start += 5000) {
    const messages = Array.from({ length: Math.min(5000, n - start) }, (_, k) => {
      const i = start + k;
      return { value: JSON.stringify({ dataset, record_id: `r${i}`, fields: { user_id: i % 5000, ts: 1_790_000_000_000 + i, amount: (i % 1000) / 10, country: countries[i % 4], mobile: i % 2 === 0 } }) };
    });
    await producer.send({ topic: TOPIC, messages });
  }
  await producer.disconnect();
}

/** Records/s of a consumer that only counts messages: the ceiling of any consumer on this topic.
 * A fresh group reads the whole topic (earlier rounds included); the rate is over all of it. */
async function drainBare(brokers: string[]): Promise<number> {
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('bare') });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  const total = offsets.reduce((sum, o) => sum + Number(o.high), 0);
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (first === 0) first = performance.now();
      seen += batch.messages.length;
      last = performance.now();
    },
  });
  while (seen < total) await sleep(20);
  await consumer.disconnect();
  return (total / (last - first)) * 1000;
}

/** Rows/s of the storage alone: 2000-row INSERT ... SELECT FROM unnest ... ON CONFLICT DO NOTHING
 * transactions, one connection, into a copy of the records table with all its indexes. */
async function bareInsert(db: pg.Client, schema: string, n: number): Promise<number> {
  await db.query(`CREATE TABLE "${schema}".insert_floor (LIKE "${schema}".records INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const t = performance.now();
  for (let start = 0; start < n; start += 2000) {
    const ids = Array.from({ length: Math.min(2000, n - start) }, (_, k) => start + k);
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO "${schema}".insert_floor (dataset, record_id, schema_version, entity_key, event_time, fields, kafka_partition, kafka_offset)
       SELECT d, r, v, e, to_timestamp(t / 1000.0), f::jsonb, p, o
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::int[], $8::bigint[]) AS u(d, r, v, e, t, f, p, o)
       ON CONFLICT (dataset, record_id) DO NOTHING`,
      [ids.map(() => 'floor'), ids.map((i) => `r${i}`), ids.map(() => 1), ids.map((i) => String(i % 5000)), ids.map((i) => 1_790_000_000_000 + i),
        ids.map((i) => JSON.stringify({ user_id: i % 5000, ts: 1_790_000_000_000 + i, amount: (i % 1000) / 10, country: 'de', mobile: true })), ids.map(() => 0), ids],
    );
    await db.query('COMMIT');
  }
  const rate = (n / (performance.now() - t)) * 1000;
  await db.query(`DROP TABLE "${schema}".insert_floor`);
  return rate;
}

/** Records/s from the first stored batch to the last record stored (startup and group join excluded). */
async function drainPlatform(db: pg.Client, schema: string, dataset: string, n: number): Promise<number> {
  let first = 0;
  let firstCount = 0;
  for (;;) {
    const rows = await db.query(`SELECT record_count FROM "${schema}".datasets WHERE name = $1`, [dataset]).catch(() => ({ rows: [] }));
    const count = Number(rows.rows[0]?.record_count ?? 0);
    if (count > 0 && first === 0) {
      first = performance.now();
      firstCount = count;
    }
    if (count >= n) {
      if (count !== n) throw new Error(`stored ${count} records, expected exactly ${n}`);
      return ((n - firstCount) / (performance.now() - first)) * 1000;
    }
    await sleep(20);
  }
}

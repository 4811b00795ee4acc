// Ingestion throughput: records/s from the input topic to the offline store (validated, stored
// exactly once, events written to the outbox), as a ratio to a bare kafkajs consumer draining
// the same topic without doing anything (both read the same messages from a private broker),
// and to a bare batched INSERT of the same rows into a copy of the offline-store table (the
// storage floor: what Postgres on this machine takes without any pipeline around it), and to a
// bare binary COPY of the same rows (the floor of the path the service stores through). The
// service runs twice a round, in alternating order: with its default store (binary COPY) and
// with INGESTION_STORE=insert (the batched INSERT it replaced), each draining its own backlog.
//
//   bash bench/run.sh ingestion-throughput [records=100000] [rounds=3]
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { BinaryCopyEncoder, type CopyColumn, copyInto } from '@mlops/persistence';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';
import { type Classify, type CpuUse, cpuSnapshot, cpuUse, describeCpu } from './cpu.mts';
import { fmt, log, median, sleep, table } from './lib.mts';

const TOPIC = 'ingestion.records.received.v1';
type Store = 'copy' | 'insert';
const CPU_GROUPS = ['ingestion', 'postgres', 'kafka', 'bench'];
const COPY_COLUMNS: CopyColumn[] = [
  { name: 'dataset', type: 'text' }, { name: 'record_id', type: 'text' }, { name: 'schema_version', type: 'int4' }, { name: 'entity_key', type: 'text' },
  { name: 'event_time', type: 'timestamptz' }, { name: 'fields', type: 'jsonb' }, { name: 'kafka_partition', type: 'int4' }, { name: 'kafka_offset', type: 'int8' },
];
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
  const startIngestion = (waitReady: boolean, store: Store = 'copy') =>
    startPlatformService('ingestion', {
      kafkaBrokers: broker.brokers,
      waitReady,
      env: { INGESTION_DB_SCHEMA: schema, INGESTION_CONSUMER_GROUP: `ingestion-${schema}`, INGESTION_STORE: store, LOG_LEVEL: 'warn' },
    });
  const bare: number[] = [];
  const insert: number[] = [];
  const copy: number[] = [];
  const platform: Record<Store, number[]> = { copy: [], insert: [] };
  const cpu: Record<Store, CpuUse[]> = { copy: [], insert: [] };
  for (let round = 1; round <= rounds; round++) {
    const order: Store[] = round % 2 === 1 ? ['copy', 'insert'] : ['insert', 'copy'];
    for (const [i, store] of order.entries()) {
      const dataset = `bench-${round}-${store}-${Date.now()}`;
      const setup = await startIngestion(true);
      const api = grpcClient(setup.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
      await api.RegisterDataset(DATASET(dataset));
      api.close();
      // Stopped while the topic fills, so that every side drains the same backlog.
      await setup.stop();
      await produce(broker.brokers, dataset, records);
      if (i === 0) {
        bare.push(await drainBare(broker.brokers));
        insert.push(await bareInsert(db, schema, records));
        copy.push(await bareCopy(db, schema, records));
      }
      const service = await startIngestion(false, store);
      const pid = service.proc.pid!;
      const drained = await drainPlatform(db, schema, dataset, records, (p, comm) =>
        p === pid ? 'ingestion' : comm === 'postgres' ? 'postgres' : comm === 'java' ? 'kafka' : p === process.pid ? 'bench' : undefined);
      platform[store].push(drained.rate);
      cpu[store].push(drained.cpu);
      log(`round ${round}, ${store} store: ${fmt(drained.rate, 0)} records/s; cpu: ${describeCpu(drained.cpu, CPU_GROUPS)}`);
      await service.stop();
    }
    log(`round ${round}: bare consumer ${fmt(bare.at(-1)!, 0)}, bare INSERT ${fmt(insert.at(-1)!, 0)}, bare COPY ${fmt(copy.at(-1)!, 0)}, ` +
      `ingestion (COPY) ${fmt(platform.copy.at(-1)!, 0)}, ingestion (INGESTION_STORE=insert) ${fmt(platform.insert.at(-1)!, 0)} records/s`);
  }
  const ratio = median(platform.copy) / median(bare);
  const rounded = (values: number[]) => values.map((v) => fmt(v, 0)).join(' ');
  console.log(`\nIngestion throughput, ${records} JSON records, 3 partitions, median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'records/s (median)', 'rounds'],
    ['bare kafkajs consumer (no work)', fmt(median(bare), 0), rounded(bare)],
    ['bare batched INSERT, same rows and table', fmt(median(insert), 0), rounded(insert)],
    ['bare binary COPY, same rows and table', fmt(median(copy), 0), rounded(copy)],
    ['ingestion service, binary COPY (default)', fmt(median(platform.copy), 0), rounded(platform.copy)],
    ['ingestion service, INGESTION_STORE=insert', fmt(median(platform.insert), 0), rounded(platform.insert)],
  ]));
  const cores = (store: Store, group?: string) => fmt(median(cpu[store].map((u) => (group ? (u.cores[group] ?? 0) : u.machineCores))));
  console.log(`\nCPU during the drain (cores, medians; the machine has 2):`);
  console.log(table([
    ['store', 'machine busy', ...CPU_GROUPS],
    ...(['copy', 'insert'] as const).map((store) => [store, cores(store), ...CPU_GROUPS.map((g) => cores(store, g))]),
  ]));
  const perRound = platform.copy.map((v, i) => v / platform.insert[i]!);
  console.log(`\nratio ingestion / bare consumer = ${fmt(ratio)}`);
  console.log(`ratio ingestion / bare COPY     = ${fmt(median(platform.copy) / median(copy))} (goal >= 0.7)`);
  console.log(`ratio ingestion / bare INSERT   = ${fmt(median(platform.copy) / median(insert))}`);
  console.log(`ratio COPY store / INSERT store = ${fmt(median(platform.copy) / median(platform.insert))} (rounds ${perRound.map((v) => fmt(v)).join(' ')}; goal >= 3)`);
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

/** Rows/s of binary COPY alone: 2000-row COPY ... FROM STDIN (FORMAT binary) transactions, one
 * connection, into a copy of the records table with all its indexes (the rows encoded per batch,
 * as the service does). */
async function bareCopy(db: pg.Client, schema: string, n: number): Promise<number> {
  await db.query(`CREATE TABLE "${schema}".copy_floor (LIKE "${schema}".records INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const t = performance.now();
  for (let start = 0; start < n; start += 2000) {
    const encoder = new BinaryCopyEncoder(COPY_COLUMNS, 256 * 2000);
    for (let i = start; i < Math.min(start + 2000, n); i++) {
      encoder.row(['floor', `r${i}`, 1, String(i % 5000), 1_790_000_000_000 + i,
        JSON.stringify({ user_id: i % 5000, ts: 1_790_000_000_000 + i, amount: (i % 1000) / 10, country: 'de', mobile: true }), 0, i]);
    }
    await db.query('BEGIN');
    await copyInto(db, `"${schema}".copy_floor`, COPY_COLUMNS, encoder.finish());
    await db.query('COMMIT');
  }
  const rate = (n / (performance.now() - t)) * 1000;
  await db.query(`DROP TABLE "${schema}".copy_floor`);
  return rate;
}

/** Records/s from the first stored batch to the last record stored (startup and group join
 * excluded), and where the CPU went over the same interval. */
async function drainPlatform(db: pg.Client, schema: string, dataset: string, n: number, classify: Classify): Promise<{ rate: number; cpu: CpuUse }> {
  let first = 0;
  let firstCount = 0;
  let before = cpuSnapshot(classify);
  for (;;) {
    const rows = await db.query(`SELECT record_count FROM "${schema}".datasets WHERE name = $1`, [dataset]).catch(() => ({ rows: [] }));
    const count = Number(rows.rows[0]?.record_count ?? 0);
    if (count > 0 && first === 0) {
      first = performance.now();
      firstCount = count;
      before = cpuSnapshot(classify);
    }
    if (count >= n) {
      if (count !== n) throw new Error(`stored ${count} records, expected exactly ${n}`);
      return { rate: ((n - firstCount) / (performance.now() - first)) * 1000, cpu: cpuUse(before, cpuSnapshot(classify)) };
    }
    await sleep(20);
  }
}

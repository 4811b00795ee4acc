// Replicas: the throughput of one replica beside two in one consumer group, for the services that
// scale out through Kafka partitions. Each round is fresh: a private broker (PARTITIONS per topic,
// 6 unless given), the service's upstreams, k replicas sharing one schema and group; the clock runs from the
// first message produced to the last one's effect being visible.
//
//   ingestion:     N JSON records (5,000 entities) → stored in the offline store (counted in Postgres)
//   feature-store: drivers × perDriver records → every driver's 1 h window count online
//   monitoring:    N predictions (batches of 50) and their N labels → every label joined
//                  (sum of mlops_monitoring_labels_total{outcome="joined"} over the replicas)
//
//   bash bench/run.sh replicas ingestion|feature-store|feature-store-via-ingestion|monitoring [rounds=2] [size]
//   REPLICA_CPUS=0.25 bash bench/run.sh replicas …   (each replica held to 0.25 cores; root)
//
// These machines have 2 cores shared by Kafka, Postgres and every replica: a second replica
// mostly overlaps one replica's waits (database round trips, fetches) with the other's work.
import { cpus } from 'node:os';
import { type ICustomPartitioner, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { RawTopics, Topics, type events } from '@mlops/contracts';
import { BucketPartitioner, bucketKey } from '@mlops/messaging';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { PrivateKafkaBroker, type RunningService, authHeaders, createTopics, freePort, grpcClient, startPlatformService, testDatabaseUrl, uniqueName, waitFor, waitForGroupMembers } from '@mlops/testing';
import { fmt, log, median, sleep, table } from './lib.mts';
import { CpuLimit, type CpuUse, cpuSnapshot, cpuUse, describeCpu, processCpuSeconds } from './cpu.mts';

type Workload = {
  /** What one unit is ("records", "labels"). */
  unit: string;
  size: number;
  /** Starts what the replicas need and returns their env, the topics to create and the workload. */
  setup(broker: PrivateKafkaBroker): Promise<{ env: Record<string, string>; services: RunningService[]; prepare(first: RunningService): Promise<Run> }>;
};
type Run = { produce(): Promise<void>; done(replicas: RunningService[]): Promise<boolean>; cleanup?(): Promise<void> };

const [service = 'monitoring', roundsArg, sizeArg] = process.argv.slice(2);
/** The service a workload scales (a workload may feed it another way than its name's default). */
const replicated = service === 'feature-store-via-ingestion' ? 'feature-store' : service;
const rounds = Number(roundsArg ?? 2);
// REPLICA_CPUS=0.25 holds each replica to a quarter of a core while the clock runs, as Kubernetes
// holds a pod to its CPU limit (a CFS quota): the replicas, not the shared machine, are then the
// bottleneck, as on a cluster where each pod has cores of its own.
const replicaCpus = process.env.REPLICA_CPUS ? Number(process.env.REPLICA_CPUS) : undefined;
// Six partitions split evenly between one, two or three replicas (three would split 2:1 between two).
const partitions = Number(process.env.PARTITIONS ?? 6);
if (replicaCpus !== undefined && !CpuLimit.available()) throw new Error('REPLICA_CPUS needs a writable cgroup cpu controller (/sys/fs/cgroup/cpu, as root); run without it');

const workloads: Record<string, () => Workload> = {
  ingestion: () => {
    const n = Number(sizeArg ?? 100_000);
    return {
      unit: 'records',
      size: n,
      async setup(broker) {
        return {
          env: {},
          services: [],
          async prepare(first) {
            const dataset = uniqueName('rb').replace(/_/g, '-');
            const api = grpcClient(first.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
            await api.RegisterDataset({ dataset, entityColumn: 'user_id', eventTimeColumn: 'ts', columns: [{ name: 'user_id', type: 'COLUMN_TYPE_INT' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }, { name: 'amount', type: 'COLUMN_TYPE_FLOAT' }] });
            api.close();
            const db = new pg.Client({ connectionString: testDatabaseUrl() });
            await db.connect();
            return {
              produce: () => produceChunks(broker.brokers, RawTopics.recordsReceived, n, (i) => ({ key: `u${i % 5000}`, value: JSON.stringify({ dataset, record_id: `r${i}`, fields: { user_id: i % 5000, ts: 1_790_000_000_000 + i, amount: i % 100 } }) })),
              done: async () => Number((await db.query(`SELECT count(*)::int AS n FROM "${first.schema}".records WHERE dataset = $1`, [dataset])).rows[0].n) >= n,
              cleanup: () => db.end(),
            };
          },
        };
      },
    };
  },

  // The feature store's own work: accepted-records events produced straight onto its topic, as
  // ingestion publishes them (events of one entity bucket, keyed and placed as ingestion keys
  // them, libs/messaging buckets.ts), so the clock measures materialization, not the upstream.
  'feature-store': () => {
    // Up to 50 records a driver: the data spans that many minutes before now, and trips_1h counts an hour.
    const drivers = 1000;
    const perDriver = Number(sizeArg ?? 40);
    if (!(perDriver >= 1 && perDriver <= 50)) throw new Error('feature-store: size is records per driver, 1 to 50');
    return {
      unit: 'records',
      size: drivers * perDriver,
      async setup(broker) {
        const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn' } });
        return {
          env: { INGESTION_GRPC_URL: ingestion.grpcAddress },
          services: [ingestion],
          async prepare(first) {
            const { dataset, api, view } = await registerDriverView(ingestion.grpcAddress, first.grpcAddress);
            const t0 = Date.now() - 50 * 60_000;
            const prefix = uniqueName('fse');
            // Minute by minute, every driver once, one event per bucket and minute: each driver's records in order.
            const byBucket = new Map<string, number[]>();
            for (let d = 0; d < drivers; d++) {
              const key = bucketKey(dataset, `d${d}`, partitions);
              byBucket.get(key)?.push(d) ?? byBucket.set(key, [d]);
            }
            const events: Message[] = [];
            for (let minute = 0; minute < perDriver; minute++) {
              const ts = t0 + minute * 60_000;
              for (const [key, members] of byBucket) {
                const records = members.map((d) => ({ recordId: `d${d}-${minute}`, entityKey: `d${d}`, eventTimeMs: ts, fields: { driver_id: { stringValue: `d${d}` }, ts: { timestampMs: ts }, fare: { floatValue: d } } }));
                const value = Topics.recordsAccepted.codec.encode(Topics.recordsAccepted.codec.fromPartial({ dataset, schemaVersion: 1, count: records.length, minEventTimeMs: ts, maxEventTimeMs: ts, records })).finish();
                events.push({ key, value: Buffer.from(value), headers: { 'event-id': `${prefix}-${key}-${minute}`, 'content-type': `application/x-protobuf; type=${Topics.recordsAccepted.messageType}` } });
              }
            }
            return {
              produce: () => produceChunks(broker.brokers, Topics.recordsAccepted.name, events.length, (i) => events[i]!, 50, BucketPartitioner),
              // Read from Postgres, not through a replica: a lookup of every driver five times a
              // second would take a share of the CPU the replicas are held to.
              done: () => onlineCountsReached(first.schema, view.name, drivers, perDriver),
              cleanup: async () => api.close(),
            };
          },
        };
      },
    };
  },

  // The same materialization fed through ingestion (records on its input topic): the pipeline's
  // rate, which the single ingestion process can hold below what two feature-store replicas take.
  'feature-store-via-ingestion': () => {
    const drivers = 300;
    const perDriver = Number(sizeArg ?? 40);
    return {
      unit: 'records',
      size: drivers * perDriver,
      async setup(broker) {
        const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn' } });
        return {
          env: { INGESTION_GRPC_URL: ingestion.grpcAddress },
          services: [ingestion],
          async prepare(first) {
            const { dataset, api, view } = await registerDriverView(ingestion.grpcAddress, first.grpcAddress);
            const t0 = Date.now() - 50 * 60_000;
            return {
              // Minute by minute, every driver once: each driver's records in order.
              produce: () => produceChunks(broker.brokers, RawTopics.recordsReceived, drivers * perDriver, (i) => {
                const d = i % drivers;
                const minute = Math.floor(i / drivers);
                return { key: `d${d}`, value: JSON.stringify({ dataset, record_id: `d${d}-${minute}`, fields: { driver_id: `d${d}`, ts: t0 + minute * 60_000, fare: d } }) };
              }, drivers),
              // Read from Postgres, not through a replica: a lookup of every driver five times a
              // second would take a share of the CPU the replicas are held to.
              done: () => onlineCountsReached(first.schema, view.name, drivers, perDriver),
              cleanup: async () => api.close(),
            };
          },
        };
      },
    };
  },

  monitoring: () => {
    const n = Number(sizeArg ?? 40_000);
    return {
      unit: 'labels',
      size: n,
      async setup(broker) {
        // The chain that makes a reference: a snapshot in the feature store, a registry version whose lineage names it, in production.
        const ingestion = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn' } });
        const registry = await startPlatformService('registry', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn', REGISTRY_ARTIFACT_DIR: `/tmp/${uniqueName('bench-artifacts')}` } });
        const featureStore = await startPlatformService('feature-store', { kafkaBrokers: broker.brokers, env: { LOG_LEVEL: 'warn', INGESTION_GRPC_URL: ingestion.grpcAddress } });
        const model = uniqueName('mb').replace(/_/g, '-');
        const dataset = `${model}-data`;
        const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
        const features = grpcClient(featureStore.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
        const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
        await ingest.RegisterDataset({ dataset, entityColumn: 'id', eventTimeColumn: 'ts', labelColumn: 'y', columns: [{ name: 'id', type: 'COLUMN_TYPE_INT' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }, { name: 'x1', type: 'COLUMN_TYPE_FLOAT' }, { name: 'x2', type: 'COLUMN_TYPE_FLOAT' }, { name: 'y', type: 'COLUMN_TYPE_INT' }] });
        await ingest.IngestRecords({ dataset, records: Array.from({ length: 1000 }, (_, i) => ({ recordId: `r${i}`, fields: { id: { intValue: i }, ts: { timestampMs: Date.UTC(2026, 10, 1) + i * 1000 }, x1: { floatValue: Math.sin(i) }, x2: { floatValue: 5 + Math.cos(i) }, y: { intValue: Math.sin(i) > 0 ? 1 : 0 } } })) });
        await features.RegisterFeatureView({ name: `${model}-view`, sourceDataset: dataset, features: [{ name: 'x1', column: { column: 'x1' } }, { name: 'x2', column: { column: 'x2' } }] });
        const snapshot = await features.CreateSnapshot({ featureView: `${model}-view`, cutDatasetVersion: true });
        const classifier: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['x1', 'x2'], classes: [0, 1], coef: [[2, 0.1]], intercept: [-0.5] };
        const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(classifier)) }]);
        await models.CreateModelVersion({ modelName: model, artifactSha256: sha256, featureNames: ['x1', 'x2'], lineage: { snapshotId: snapshot.snapshotId, featureView: `${model}-view` }, metrics: { accuracy: 0.95 } });
        await models.SetAlias({ modelName: model, alias: 'production', version: 1 });
        for (const c of [ingest, features, models]) c.close();
        return {
          env: { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: featureStore.grpcAddress },
          services: [featureStore, registry, ingestion],
          async prepare(first) {
            const api = grpcClient(first.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
            await api.SetMonitoringPolicy({ modelName: model, windowSize: 1000, evaluateEvery: 1000, labelWindow: 1000 });
            api.close();
            const prefix = uniqueName('q');
            const contentType = (t: { messageType: string }) => ({ 'content-type': `application/x-protobuf; type=${t.messageType}` });
            return {
              async produce() {
                // Predictions in batches of 50 (as serving logs them), then their labels keyed by request.
                await produceChunks(broker.brokers, Topics.predictionsLogged.name, n / 50, (b) => {
                  const predictions: events.PredictionLogged[] = Array.from({ length: 50 }, (_, k) => {
                    const i = b * 50 + k;
                    const x1 = Math.sin(i * 7.1);
                    return { requestId: `${prefix}-${i}`, modelName: model, version: 1, features: { x1, x2: 5 + Math.cos(i) }, outputs: [x1 > 0 ? 1 : 0], servedAtMs: Date.now(), latencyMs: 1, row: 0, prediction: x1 > 0 ? 1 : 0, role: 'stable', deploymentId: '', score: 0.5 };
                  });
                  return { key: `${model}/${b}`, value: Buffer.from(Topics.predictionsLogged.codec.encode({ modelName: model, predictions }).finish()), headers: { 'event-id': `${prefix}-b${b}`, ...contentType(Topics.predictionsLogged) } };
                }, 100);
                await produceChunks(broker.brokers, Topics.feedbackReceived.name, n, (i) => ({
                  key: `${prefix}-${i}`,
                  value: Buffer.from(Topics.feedbackReceived.codec.encode({ requestId: `${prefix}-${i}`, modelName: model, label: Math.sin(i * 7.1) > 0 ? 1 : 0, observedAtMs: Date.now(), row: 0 }).finish()),
                  headers: contentType(Topics.feedbackReceived),
                }));
              },
              async done(replicas) {
                let joined = 0;
                for (const r of replicas) {
                  const text = await (await fetch(`${r.httpUrl}/metrics`, { headers: authHeaders() })).text();
                  joined += Number(new RegExp(`mlops_monitoring_labels_total\\{[^}]*model="${model}"[^}]*outcome="joined"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
                }
                return joined >= n;
              },
            };
          },
        };
      },
    };
  },
};

type Message = { key: string; value: string | Buffer; headers?: Record<string, string> };

/** Whether every driver's first feature (trips_1h) in the online table has reached `count`. */
async function onlineCountsReached(schema: string, view: string, drivers: number, count: number): Promise<boolean> {
  const db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${schema}".online_features WHERE view = $1 AND version = 1 AND ("values"->>0)::float8 >= $2`, [view, count]);
    return rows[0].n >= drivers;
  } finally {
    await db.end();
  }
}

async function produceChunks(brokers: string[], topic: string, count: number, make: (i: number) => Message, chunk = 5000, createPartitioner?: ICustomPartitioner): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < count; start += chunk) await producer.send({ topic, messages: Array.from({ length: Math.min(chunk, count - start) }, (_, k) => make(start + k)) });
  } finally {
    await producer.disconnect();
  }
}

/** A replica's Kafka messages in the bench's group, summed over topics, by outcome (processed, duplicate, retried, dead_lettered). */
async function messageCounts(replica: RunningService, group: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${replica.httpUrl}/metrics`, { headers: authHeaders() })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^mlops_kafka_messages_total\{([^}]*)\} (\d+)/gm)) {
    if (!m[1]!.includes(`group="${group}"`)) continue;
    const outcome = /outcome="([^"]+)"/.exec(m[1]!)?.[1] ?? '?';
    out[outcome] = (out[outcome] ?? 0) + Number(m[2]);
  }
  return out;
}

const topicsOf: Record<string, string[]> = {
  ingestion: [RawTopics.recordsReceived],
  'feature-store': [RawTopics.recordsReceived, Topics.recordsAccepted.name],
  'feature-store-via-ingestion': [RawTopics.recordsReceived, Topics.recordsAccepted.name],
  monitoring: [Topics.predictionsLogged.name, Topics.feedbackReceived.name],
};

const CPU_GROUPS = ['replicas', 'postgres', 'kafka', 'bench', 'upstreams'];

async function round(workload: Workload, replicas: number): Promise<{ rate: number; cpu: CpuUse }> {
  const broker = new PrivateKafkaBroker(await freePort());
  await broker.start();
  await createTopics(broker.brokers, topicsOf[service]!, partitions);
  const upstream = await workload.setup(broker);
  const prefix = replicated.toUpperCase().replace('-', '_');
  const env = { ...upstream.env, LOG_LEVEL: 'warn' };
  const first = await startPlatformService(replicated, { env, kafkaBrokers: broker.brokers });
  const group = `${replicated}-${first.schema}`;
  const others = await Promise.all(Array.from({ length: replicas - 1 }, () => startPlatformService(replicated, { env: { ...env, [`${prefix}_DB_SCHEMA`]: first.schema, [`${prefix}_CONSUMER_GROUP`]: group }, kafkaBrokers: broker.brokers })));
  const all = [first, ...others];
  const limit = replicaCpus === undefined ? undefined : new CpuLimit(replicaCpus);
  try {
    const run = await upstream.prepare(first);
    await waitForGroupMembers(broker.brokers, group, replicas);
    // Both live topics start at their end for a new group: give the group a moment to be assigned.
    await sleep(1000);
    // Where the CPU goes while the clock runs: the replicas, Postgres, the broker (java), this
    // process (it produces the load), the upstream services, anything else on the machine.
    const replicaPids = new Set(all.map((s) => s.proc.pid));
    const upstreamPids = new Set(upstream.services.map((s) => s.proc.pid));
    const classify = (pid: number, comm: string) =>
      replicaPids.has(pid) ? 'replicas' : upstreamPids.has(pid) ? 'upstreams' : pid === process.pid ? 'bench' : comm === 'postgres' ? 'postgres' : comm === 'java' ? 'kafka' : undefined;
    for (const s of all) limit?.hold(s.proc.pid!);
    const before = cpuSnapshot(classify);
    const ownBefore = all.map((s) => processCpuSeconds(s.proc.pid!));
    const started = performance.now();
    await run.produce();
    await waitFor(async () => (await run.done(all)) || undefined, { timeoutMs: 600_000, intervalMs: 200, what: `all ${workload.size} ${workload.unit} processed` });
    const seconds = (performance.now() - started) / 1000;
    const rate = workload.size / seconds;
    const cpu = cpuUse(before, cpuSnapshot(classify));
    // How the work split: each replica's Kafka messages by outcome, and its own cores.
    const counts = await Promise.all(all.map((s) => messageCounts(s, group)));
    log(
      `${service}, ${replicas} replica(s), each: ${all.map((s, i) => `[${Object.entries(counts[i]!).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing'}; ${fmt((processCpuSeconds(s.proc.pid!) - ownBefore[i]!) / seconds)} cores]`).join(' ')}`,
    );
    await run.cleanup?.();
    return { rate, cpu };
  } finally {
    await Promise.all([...all, ...upstream.services].map((s) => s.stop()));
    limit?.release();
    const db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    for (const s of [first, ...upstream.services]) await db.query(`DROP SCHEMA IF EXISTS "${s.schema}" CASCADE`).catch(() => undefined);
    await db.end();
    await broker.wipe();
  }
}

const make = workloads[service];
if (!make) throw new Error(`usage: bench/run.sh replicas ${Object.keys(workloads).join('|')} [rounds] [size]`);
const workload = make();
const results: Record<number, number[]> = { 1: [], 2: [] };
const cpu: Record<number, CpuUse[]> = { 1: [], 2: [] };
for (let r = 1; r <= rounds; r++) {
  for (const k of [1, 2]) {
    const { rate, cpu: use } = await round(workload, k);
    results[k]!.push(rate);
    cpu[k]!.push(use);
    log(`${service}, round ${r}, ${k} replica(s): ${fmt(rate, 0)} ${workload.unit}/s; cpu: ${describeCpu(use, CPU_GROUPS)}`);
  }
}
const cores = (k: number, group?: string) => fmt(median(cpu[k]!.map((u) => (group ? (u.cores[group] ?? 0) : u.machineCores))));
console.log(`\n${service} replicas, ${workload.size} ${workload.unit}, ${partitions} partitions${replicaCpus === undefined ? '' : `, each replica held to ${replicaCpus} cores`}, medians of ${rounds} rounds:`);
console.log(
  table([
    ['replicas', `${workload.unit}/s`, 'rounds', 'ratio', 'machine cores busy', ...CPU_GROUPS.map((g) => `${g} cores`)],
    ['1 (baseline)', fmt(median(results[1]!), 0), results[1]!.map((v) => fmt(v, 0)).join(', '), '1.00', cores(1), ...CPU_GROUPS.map((g) => cores(1, g))],
    ['2', fmt(median(results[2]!), 0), results[2]!.map((v) => fmt(v, 0)).join(', '), fmt(median(results[2]!) / median(results[1]!)), cores(2), ...CPU_GROUPS.map((g) => cores(2, g))],
  ]),
);
console.log(`(cores: CPU-seconds per second over the timed part, medians; machine: ${cpus().length} cores in all)`);

/** The drivers' dataset on ingestion and its one-hour trip count view on the feature store (both workloads'). */
async function registerDriverView(ingestionAddress: string, storeAddress: string) {
  const dataset = uniqueName('fsb').replace(/_/g, '-');
  const ingest = grpcClient(ingestionAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
  const api = grpcClient(storeAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
  await ingest.RegisterDataset({ dataset, entityColumn: 'driver_id', eventTimeColumn: 'ts', columns: [{ name: 'driver_id', type: 'COLUMN_TYPE_STRING' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }, { name: 'fare', type: 'COLUMN_TYPE_FLOAT' }] });
  ingest.close();
  const view = await api.RegisterFeatureView({ name: `${dataset}-v`, sourceDataset: dataset, features: [{ name: 'trips_1h', window: { function: 'AGGREGATE_FUNCTION_COUNT', windowSeconds: 3600 } }] });
  return { dataset, api, view };
}

// Snapshot build throughput: rows/s of CreateSnapshot (read the dataset version from ingestion
// over gRPC, point-in-time join with transforms and windows, profile, store, announce), side by
// side with a bare SQL point-in-time join (latest record per row by LATERAL on the same records,
// no transforms, no windows, nothing stored).
//
//   bash bench/run.sh snapshot-build [records=50000] [users=2000] [rounds=3]
//
// BENCH_BEFORE_ROOT=<a built checkout of another commit> adds that commit's feature store as a
// third side, interleaved in the same rounds (its own schema, the same ingestion service).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';
import { T0, USERS_DATASET, USER_VIEW_WITH_WINDOWS, loadUsers } from './fixtures.mts';
import { fmt, log, median, table } from './lib.mts';

const records = Number(process.argv[2] ?? 50_000);
const users = Number(process.argv[3] ?? 2000);
const rounds = Number(process.argv[4] ?? 3);

const ingestion = await startPlatformService('ingestion', { env: { LOG_LEVEL: 'warn' } });
// At info: its "snapshot created" line splits each build into read, join and store.
const store = await startPlatformService('feature-store', { env: { INGESTION_GRPC_URL: ingestion.grpcAddress, LOG_LEVEL: 'info' } });
const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
const api = grpcClient(store.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
const beforeRoot = process.env.BENCH_BEFORE_ROOT;
const beforeStore = beforeRoot ? await startPlatformService('feature-store', { root: beforeRoot, env: { INGESTION_GRPC_URL: ingestion.grpcAddress, LOG_LEVEL: 'warn' } }) : undefined;
const beforeApi = beforeStore && grpcClient(beforeStore.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
/** A process's peak resident memory (Linux /proc), in MiB. */
const peakMiB = (pid?: number) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const db = new pg.Client({ connectionString: testDatabaseUrl() });
await db.connect();
try {
  const dataset = uniqueName('bench-snap').replace(/_/g, '-');
  const view = uniqueName('users').replace(/_/g, '-');
  await ingest.RegisterDataset(USERS_DATASET(dataset));
  await api.RegisterFeatureView(USER_VIEW_WITH_WINDOWS(view, dataset));
  await beforeApi?.RegisterFeatureView(USER_VIEW_WITH_WINDOWS(view, dataset));
  log(`loading ${records} records of ${users} users`);
  await loadUsers(ingest, dataset, records, users);
  const version = await ingest.CreateDatasetVersion({ dataset });

  const platform: number[] = [];
  const before: number[] = [];
  const sql: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // A different time range each round, so no snapshot is served from the earlier identical one.
    const from = T0 + round * 1000;
    const t = performance.now();
    const snapshot = await api.CreateSnapshot({ featureView: view, datasetVersion: version.version, fromTimeMs: from });
    const seconds = (performance.now() - t) / 1000;
    platform.push(snapshot.rowCount / seconds);
    if (beforeApi) {
      const b = performance.now();
      const old = await beforeApi.CreateSnapshot({ featureView: view, datasetVersion: version.version, fromTimeMs: from });
      before.push(old.rowCount / ((performance.now() - b) / 1000));
    }

    const s = performance.now();
    const { rowCount } = await db.query(
      `SELECT s.entity_key, s.event_time, l.fields FROM "${ingestion.schema}".records s
       CROSS JOIN LATERAL (SELECT r.fields FROM "${ingestion.schema}".records r
         WHERE r.dataset = s.dataset AND r.entity_key = s.entity_key AND r.event_time <= s.event_time
         ORDER BY r.event_time DESC, r.record_id DESC LIMIT 1) l
       WHERE s.dataset = $1 AND s.event_time >= to_timestamp($2 / 1000.0)`,
      [dataset, from],
    );
    sql.push((rowCount ?? 0) / ((performance.now() - s) / 1000));
    const phases = store.proc.logs.filter((l) => l.msg === 'snapshot created').at(-1) as { readMs?: number; joinMs?: number; storeMs?: number } | undefined;
    log(`round ${round + 1}: CreateSnapshot ${snapshot.rowCount} rows in ${fmt(seconds, 2)} s (read ${phases?.readMs} ms, join ${phases?.joinMs} ms, store ${phases?.storeMs} ms); SQL ${rowCount} rows`);
  }
  console.log(`\nSnapshot build, ${records} records of ${users} users, ${USER_VIEW_WITH_WINDOWS(view, dataset).features.length} features (2 windowed), median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'rows/s (median)', 'rounds'],
    ['bare SQL point-in-time join (latest row only)', fmt(median(sql), 0), sql.map((v) => fmt(v, 0)).join(' ')],
    ['CreateSnapshot (gRPC, end to end)', fmt(median(platform), 0), platform.map((v) => fmt(v, 0)).join(' ')],
    ...(beforeRoot ? [[`CreateSnapshot, before (${beforeRoot})`, fmt(median(before), 0), before.map((v) => fmt(v, 0)).join(' ')]] : []),
  ]));
  console.log(`\nratio CreateSnapshot / bare SQL = ${fmt(median(platform) / median(sql))}`);
  if (beforeRoot) console.log(`ratio before / bare SQL = ${fmt(median(before) / median(sql))}; this commit / before = ${fmt(median(platform) / median(before))}`);
  console.log(`feature store peak RSS: ${peakMiB(store.proc.pid)} MiB${beforeStore ? `; before: ${peakMiB(beforeStore.proc.pid)} MiB` : ''}`);
} finally {
  ingest.close();
  api.close();
  beforeApi?.close();
  await db.end();
  await beforeStore?.stop();
  await store.stop();
  await ingestion.stop();
}

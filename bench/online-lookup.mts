// Online lookup latency: GetOnlineFeatures over gRPC (a real client on loopback, through the
// service) for 1 and 100 entities, side by side with the bare prepared SELECT by primary key the
// service runs, on the same table; also the store's own lookup path in-process (the service's
// OnlineStoreService on its own DataSource, no transport) and a gRPC health check (the
// transport alone).
//
//   bash bench/run.sh online-lookup [entities=10000] [calls=2000] [rounds=5]
import 'reflect-metadata';
import pg from 'pg';
import { JsonLogger } from '@mlops/observability';
import { openDataSource } from '@mlops/persistence';
import { FeatureViewsRepository } from '../services/feature-store/dist/feature-views/feature-views.repository.js';
import { OnlineStoreRepository } from '../services/feature-store/dist/online/online-store.repository.js';
import { OnlineStoreService } from '../services/feature-store/dist/online/online-store.service.js';
import { grpcClient, startPlatformService, testDatabaseUrl, uniqueName, waitFor } from '@mlops/testing';
import { USERS_DATASET, USER_VIEW, loadUsers } from './fixtures.mts';
import { fmt, log, percentile, table } from './lib.mts';

const entities = Number(process.argv[2] ?? 10_000);
const calls = Number(process.argv[3] ?? 2000);
const rounds = Number(process.argv[4] ?? 5);

const ingestion = await startPlatformService('ingestion', { env: { LOG_LEVEL: 'warn' } });
const store = await startPlatformService('feature-store', { env: { INGESTION_GRPC_URL: ingestion.grpcAddress, LOG_LEVEL: 'warn' } });
const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
const api = grpcClient(store.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
const health = grpcClient(store.grpcAddress, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health');
const db = new pg.Client({ connectionString: testDatabaseUrl() });
await db.connect();
try {
  const dataset = uniqueName('bench-online').replace(/_/g, '-');
  const view = uniqueName('users').replace(/_/g, '-');
  await ingest.RegisterDataset(USERS_DATASET(dataset));
  await api.RegisterFeatureView(USER_VIEW(view, dataset));
  log(`loading ${entities} entities`);
  await loadUsers(ingest, dataset, entities, entities);
  await waitFor(async () => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${store.schema}".online_features WHERE view = $1`, [view]);
    return rows[0].n === entities;
  }, { timeoutMs: 120_000, what: 'the online store to be materialized' });
  // Fresh statistics, as autovacuum would have them on a table in use, for both sides alike.
  await db.query(`ANALYZE "${store.schema}".online_features`);

  const dataSource = await openDataSource({ url: testDatabaseUrl(), schema: store.schema, entities: [], migrations: [] });
  const inProcess = new OnlineStoreService(new OnlineStoreRepository(dataSource), new FeatureViewsRepository(dataSource), new JsonLogger('bench', 'warn'));
  const keys = (n: number) => Array.from({ length: n }, () => `u${Math.floor(Math.random() * entities)}`);
  const text = `SELECT entity_key, "values", (extract(epoch from event_time) * 1000)::float8 AS t
    FROM "${store.schema}".online_features WHERE view = $1 AND version = $2 AND entity_key = ANY($3::text[])`;
  const sides: Record<string, (n: number) => Promise<unknown>> = {
    'bare prepared SELECT': (n) => db.query({ name: 'bench-lookup', text, values: [view, 1, keys(n)] }),
    'OnlineStoreService.get (in-process)': (n) => inProcess.get(view, 1, keys(n)),
    'GetOnlineFeatures (gRPC)': (n) => api.GetOnlineFeatures({ featureView: view, version: 1, entityKeys: keys(n) }),
    'gRPC health check': () => health.Check({}),
  };
  const samples: Record<string, number[]> = {};
  for (const n of [1, 100]) {
    for (const side of Object.keys(sides)) for (let i = 0; i < 200; i++) await sides[side](n);
    for (let round = 0; round < rounds; round++) {
      // Sides interleave round by round so machine noise hits them alike.
      for (const [side, call] of Object.entries(sides)) {
        const key = `${side}|${n}`;
        samples[key] ??= [];
        for (let i = 0; i < calls / rounds; i++) {
          const t = performance.now();
          await call(n);
          samples[key].push(performance.now() - t);
        }
      }
    }
  }
  const stat = (key: string) => {
    const sorted = [...samples[key]].sort((a, b) => a - b);
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  };
  const rows: (string | number)[][] = [['entities', 'side', 'p50 ms', 'p99 ms', 'p50 ratio', 'p99 ratio', 'p99 − bare p99']];
  for (const n of [1, 100]) {
    const bare = stat(`bare prepared SELECT|${n}`);
    for (const side of Object.keys(sides)) {
      const s = stat(`${side}|${n}`);
      rows.push([n, side, fmt(s.p50, 3), fmt(s.p99, 3), fmt(s.p50 / bare.p50), fmt(s.p99 / bare.p99), fmt(s.p99 - bare.p99, 3)]);
    }
  }
  console.log(`\nOnline lookup latency, ${entities} entities in the store, ${calls} sequential calls per side and size\n`);
  console.log(table(rows));
  const over = (n: number) => stat(`GetOnlineFeatures (gRPC)|${n}`).p99 - stat(`bare prepared SELECT|${n}`).p99;
  const ratio100 = stat('GetOnlineFeatures (gRPC)|100').p99 / stat('bare prepared SELECT|100').p99;
  console.log(`\ngoals (issue 18): 1-entity gRPC p99 within 1 ms of the bare query (moonshot 0.5): ${fmt(over(1), 3)} ms, ${over(1) <= 1 ? 'met' : 'not met'};`);
  console.log(`  100-entity gRPC p99 at most 1.5x the bare query: ${fmt(ratio100)}x, ${ratio100 <= 1.5 ? 'met' : 'not met'}`);
} finally {
  ingest.close();
  api.close();
  health.close();
  await db.end();
  await store.stop();
  await ingestion.stop();
}

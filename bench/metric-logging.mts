// Metric logging throughput: metric values/s through LogBatch (gRPC, validation, a transaction
// that appends the series and moves the latest values) beside a bare multi-row INSERT of the
// same values into a copy of the metrics table from the benchmark's own connection.
//
//   bash bench/run.sh metric-logging [batches=200] [batch=1000] [rounds=3]
//
// BENCH_BEFORE_ROOT=<a built checkout of another commit> adds that commit's training service as a
// third side, interleaved in the same rounds (its own schema).
import pg from 'pg';
import { grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';
import { fmt, median, table } from './lib.mts';

const batches = Number(process.argv[2] ?? 200);
const size = Number(process.argv[3] ?? 1000);
const rounds = Number(process.argv[4] ?? 3);

// BENCH_TRAINING_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the training process.
const service = await startPlatformService('training', { env: { LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.BENCH_TRAINING_NODE_OPTIONS ?? '' } });
const api = grpcClient(service.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
const beforeRoot = process.env.BENCH_BEFORE_ROOT;
const beforeService = beforeRoot ? await startPlatformService('training', { root: beforeRoot, env: { LOG_LEVEL: 'warn' } }) : undefined;
const beforeApi = beforeService && grpcClient(beforeService.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
const db = new pg.Client({ connectionString: testDatabaseUrl() });
await db.connect();
try {
  const s = service.schema;
  await db.query(`CREATE TABLE "${s}".bare_metrics (LIKE "${s}".metrics INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const batch = (offset: number) => Array.from({ length: size }, (_, k) => ({ key: `m${k % 20}`, value: Math.sin(offset + k), step: offset + Math.floor(k / 20), timestampMs: 1_790_000_000_000 + offset + k }));
  const grpc: number[] = [];
  const before: number[] = [];
  const bare: number[] = [];
  const logBatches = async (client: typeof api) => {
    const run = await client.CreateRun({ experiment: uniqueName('bench') });
    const t = performance.now();
    for (let b = 0; b < batches; b++) await client.LogBatch({ runId: run.runId, metrics: batch(b * size) });
    return { runId: run.runId as string, rate: (batches * size) / ((performance.now() - t) / 1000) };
  };
  for (let round = 0; round < rounds; round++) {
    const run = await logBatches(api);
    grpc.push(run.rate);
    if (beforeApi) before.push((await logBatches(beforeApi)).rate);
    const t = performance.now();
    for (let b = 0; b < batches; b++) {
      const values = batch(b * size);
      await db.query(`INSERT INTO "${s}".bare_metrics (run_id, key, step, ts, value) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[])`, [
        run.runId, values.map((v) => v.key), values.map((v) => v.step), values.map((v) => v.timestampMs), values.map((v) => v.value),
      ]);
    }
    bare.push((batches * size) / ((performance.now() - t) / 1000));
  }
  console.log(`\nMetric logging, ${batches} batches of ${size} values per round, median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'values/s (median)', 'rounds'],
    ['bare multi-row INSERT (unnest)', fmt(median(bare), 0), bare.map((v) => fmt(v, 0)).join(' ')],
    ['LogBatch over gRPC', fmt(median(grpc), 0), grpc.map((v) => fmt(v, 0)).join(' ')],
    ...(beforeApi ? [[`LogBatch over gRPC, ${beforeRoot}`, fmt(median(before), 0), before.map((v) => fmt(v, 0)).join(' ')]] : []),
  ]));
  console.log(`\nratio LogBatch / bare INSERT = ${fmt(median(grpc) / median(bare))} (per round ${grpc.map((v, i) => fmt(v / bare[i])).join(' · ')})`);
  if (beforeApi) console.log(`ratio before / bare INSERT = ${fmt(median(before) / median(bare))} (per round ${before.map((v, i) => fmt(v / bare[i])).join(' · ')})`);
} finally {
  api.close();
  beforeApi?.close();
  await db.end();
  await service.stop();
  await beforeService?.stop();
}

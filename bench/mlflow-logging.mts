// The MLflow-compatible log-batch (HTTP + JSON on the console, forwarded with the caller's token
// to the training service's LogBatch) beside gRPC LogBatch called directly and a bare multi-row
// INSERT of the same values, on the same machine, rounds interleaved side by side.
//
//   bash bench/run.sh mlflow-logging [rounds=3] [seconds=10] [users=20]
//
// 1. Throughput in metric values/s: batches of 1,000 metrics (MLflow's limit per call), one
//    caller, sequential calls.
// 2. Requests/s of log-batch calls with 10 metrics each from `users` concurrent callers (each
//    its own run, as training jobs are), the shape of mlflow-go's benchmark of the stock MLflow
//    server (k6, 20 virtual users, 58 ms per call: about 340 requests/s). The load generator runs
//    on the same 2 cores as the platform, so the figure is a lower bound. The CPU each process
//    spends per request is accounted from /proc: it says how many requests/s these cores could
//    carry at most (the floor the rate is held to), and which process holds it there.
import { cpus } from 'node:os';
import pg from 'pg';
import { grpcClient, startConsole, startPlatform, testDatabaseUrl, testIssuer, uniqueName } from '@mlops/testing';
import { fmt, log, median, percentile, table } from './lib.mts';
import { type CpuUse, cpuSnapshot, cpuUse, describeCpu } from './cpu.mts';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 10);
const users = Number(process.argv[4] ?? 20);
const BATCH = 1000;
const BATCHES = 100;
const GROUPS = ['load generator', 'console', 'training', 'postgres', 'kafka', 'other services', 'other'];
const token = testIssuer().adminToken;

const platform = await startPlatform({ env: { LOG_LEVEL: 'warn' } });
const consoleService = await startConsole(platform, { LOG_LEVEL: 'warn' });
const training = platform.service('training');
const api = grpcClient(training.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
const db = new pg.Client({ connectionString: testDatabaseUrl() });
await db.connect();
const base = `${consoleService.httpUrl}/api/2.0/mlflow`;

const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
  const response = await fetch(`${base}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
};

try {
  const s = training.schema;
  await db.query(`CREATE TABLE "${s}".bare_metrics (LIKE "${s}".metrics INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const experimentId = (await post('experiments/create', { name: uniqueName('bench-mlflow') })).experiment_id as string;
  const newRun = async () => ((await post('runs/create', { experiment_id: experimentId })).run as { info: { run_id: string } }).info.run_id;
  const values = (offset: number, n: number) => Array.from({ length: n }, (_, k) => ({ key: `m${k % 20}`, value: Math.sin(offset + k), step: offset + Math.floor(k / 20), timestamp: 1_790_000_000_000 + offset + k }));

  // ---- 1. values/s, batches of 1,000 ----
  const sides = { bare: [] as number[], grpc: [] as number[], mlflow: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    log(`values/s round ${round + 1}/${rounds}`);
    const runId = await newRun();
    let t = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const v = values(b * BATCH, BATCH);
      await db.query(`INSERT INTO "${s}".bare_metrics (run_id, key, step, ts, value) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[])`, [
        runId, v.map((m) => m.key), v.map((m) => m.step), v.map((m) => m.timestamp), v.map((m) => m.value),
      ]);
    }
    sides.bare.push((BATCHES * BATCH) / ((performance.now() - t) / 1000));

    const grpcRun = await newRun();
    t = performance.now();
    for (let b = 0; b < BATCHES; b++) await api.LogBatch({ runId: grpcRun, metrics: values(b * BATCH, BATCH).map((m) => ({ key: m.key, value: m.value, step: m.step, timestampMs: m.timestamp })) });
    sides.grpc.push((BATCHES * BATCH) / ((performance.now() - t) / 1000));

    const httpRun = await newRun();
    t = performance.now();
    for (let b = 0; b < BATCHES; b++) await post('runs/log-batch', { run_id: httpRun, metrics: values(b * BATCH, BATCH) });
    sides.mlflow.push((BATCHES * BATCH) / ((performance.now() - t) / 1000));
  }

  // ---- 2. requests/s, 10 metrics a call, concurrent users ----
  const servicePids = new Map<number, string>([[consoleService.proc.pid!, 'console'], [training.proc.pid!, 'training']]);
  for (const other of platform.services) if (!servicePids.has(other.proc.pid!)) servicePids.set(other.proc.pid!, 'other services');
  const classify = (pid: number, comm: string) =>
    servicePids.get(pid) ?? (pid === process.pid ? 'load generator' : comm === 'postgres' ? 'postgres' : comm === 'java' ? 'kafka' : undefined);
  const load = async (call: (runId: string, step: number) => Promise<unknown>) => {
    const runs = await Promise.all(Array.from({ length: users }, () => newRun()));
    const latencies: number[] = [];
    const before = cpuSnapshot(classify);
    const end = performance.now() + seconds * 1000;
    await Promise.all(runs.map(async (runId) => {
      for (let step = 0; performance.now() < end; step++) {
        const t = performance.now();
        await call(runId, step);
        latencies.push(performance.now() - t);
      }
    }));
    const cpu = cpuUse(before, cpuSnapshot(classify));
    latencies.sort((a, b) => a - b);
    return { rps: latencies.length / cpu.seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), cpu, requests: latencies.length };
  };
  const small = (step: number) => values(step * 10, 10).map((m) => ({ ...m, key: `m${m.timestamp % 10}`, step }));
  const rates = { grpc: [] as Awaited<ReturnType<typeof load>>[], mlflow: [] as Awaited<ReturnType<typeof load>>[] };
  for (let round = 0; round < rounds; round++) {
    log(`requests/s round ${round + 1}/${rounds} (${users} users, ${seconds} s a side)`);
    rates.mlflow.push(await load((runId, step) => post('runs/log-batch', { run_id: runId, metrics: small(step) })));
    rates.grpc.push(await load((runId, step) => api.LogBatch({ runId, metrics: small(step).map((m) => ({ key: m.key, value: m.value, step: m.step, timestampMs: m.timestamp })) })));
    for (const [side, r] of [['MLflow', rates.mlflow.at(-1)!], ['gRPC', rates.grpc.at(-1)!]] as const) log(`  ${side}: ${fmt(r.rps, 0)} req/s; ${describeCpu(r.cpu, GROUPS)}`);
  }

  console.log(`\n1. Metric values/s, ${BATCHES} batches of ${BATCH} per round, one caller, median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'values/s (median)', 'rounds', 'ratio to bare'],
    ['bare multi-row INSERT (unnest)', fmt(median(sides.bare), 0), sides.bare.map((v) => fmt(v, 0)).join(' '), '1.00'],
    ['LogBatch over gRPC', fmt(median(sides.grpc), 0), sides.grpc.map((v) => fmt(v, 0)).join(' '), fmt(median(sides.grpc) / median(sides.bare))],
    ['MLflow log-batch over HTTP', fmt(median(sides.mlflow), 0), sides.mlflow.map((v) => fmt(v, 0)).join(' '), fmt(median(sides.mlflow) / median(sides.bare))],
  ]));
  const rps = (side: Awaited<ReturnType<typeof load>>[]) => median(side.map((r) => r.rps));
  const p = (side: Awaited<ReturnType<typeof load>>[], k: 'p50' | 'p99') => fmt(median(side.map((r) => r[k])), 1);
  console.log(`\n2. log-batch calls of 10 metrics, ${users} concurrent callers, ${seconds} s a side, median of ${rounds} rounds\n`);
  console.log(table([
    ['side', 'requests/s', 'p50 ms', 'p99 ms', 'rounds (req/s)'],
    ['MLflow log-batch over HTTP', fmt(rps(rates.mlflow), 0), p(rates.mlflow, 'p50'), p(rates.mlflow, 'p99'), rates.mlflow.map((r) => fmt(r.rps, 0)).join(' ')],
    ['LogBatch over gRPC', fmt(rps(rates.grpc), 0), p(rates.grpc, 'p50'), p(rates.grpc, 'p99'), rates.grpc.map((r) => fmt(r.rps, 0)).join(' ')],
    ['stock MLflow server (mlflow-go benchmark, published)', '340', '58', '', ''],
  ]));
  // CPU per request: each group's core-seconds over the requests answered, median over rounds.
  const perRequest = (side: Awaited<ReturnType<typeof load>>[], group: string | 'machine') =>
    median(side.map((r) => ((group === 'machine' ? r.cpu.machineCores : (r.cpu.cores[group] ?? 0)) * r.cpu.seconds * 1000) / r.requests));
  const cores = cpus().length;
  console.log(`\n3. CPU per log-batch call (ms of one core, median of ${rounds} rounds); the ceiling is ${cores} cores / machine CPU per call\n`);
  console.log(table([
    ['side', ...GROUPS, 'machine', 'ceiling req/s', 'measured / ceiling'],
    ...([['MLflow log-batch over HTTP', rates.mlflow], ['LogBatch over gRPC', rates.grpc]] as const).map(([name, side]) => {
      const machine = perRequest(side, 'machine');
      return [name, ...GROUPS.map((g) => fmt(perRequest(side, g), 3)), fmt(machine, 3), fmt((cores * 1000) / machine, 0), fmt(rps(side) / ((cores * 1000) / machine))];
    }),
  ]));
  console.log(`\nMLflow log-batch / stock MLflow server = ${fmt(rps(rates.mlflow) / 340, 1)}x (goal: 10x)`);
  console.log(`MLflow log-batch / gRPC LogBatch = ${fmt(rps(rates.mlflow) / rps(rates.grpc))}`);
} finally {
  api.close();
  await db.end();
  await consoleService.stop();
  await platform.stop();
}

// Serving throughput and latency: ModelInfer through the full serving path (routing by the
// model's deployment, adaptive batching, onnxruntime, prediction log to Kafka) against a bare
// grpc-js server answering the same message without a model (bench/load/bare-inference-server.mts).
// The load comes from separate processes (bench/load/infer-client.mts), closed loop for the
// saturation rate, then open loop at half the bare server's saturation rate for the latency.
// Serving cases: a model with no rollout (production version), the same on a serving process
// that does not check callers' tokens (MLOPS_AUTH=disabled: what authentication costs), and one
// in the middle of a canary (50% to the candidate, 10% of requests mirrored and compared), and
// replicas started with V8 flags, one per set in BENCH_NODE_FLAGS (';' between sets, default
// "--max-semi-space-size=64": a larger young generation, fewer scavenges). Every side's
// garbage-collection time per 10,000 requests is reported (serving's from its metrics, the bare
// server's from its own PerformanceObserver). BENCH_SIDES=bare,serving,noauth,canary,flags picks
// sides ("flags": every flagged replica).
//
//   bash bench/run.sh serving-throughput [seconds=10] [concurrency=64] [rounds=3]
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { authHeaders, freePort, grpcClient, startPlatformService, testIssuer, uniqueName, waitFor } from '@mlops/testing';
import { fmt, log, median, table } from './lib.mts';

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 64);
const rounds = Number(process.argv[4] ?? 3);
const loaders = Number(process.env.BENCH_LOADERS ?? 1);
/** http2 (default: gRPC framing on node:http2, light) or grpc-js (the reference client, heavier). */
const client = process.env.BENCH_CLIENT ?? 'http2';
const FEATURES = 3;

const here = path.dirname(new URL(import.meta.url).pathname);
const node = (script: string, args: string[]): ChildProcess => spawn(process.execPath, ['--no-warnings', path.join(here, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, MLOPS_TOKEN: testIssuer().token('bench-client', ['viewer']) } });
const flagSets = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=64').split(';').map((f) => f.trim()).filter(Boolean);

interface LoadResult { count: number; errors: number; rps: number; p50: number; p90: number; p99: number; max: number }

/** Runs `loaders` generator processes at once and sums them. */
async function load(target: string, model: string, mode: { concurrency: number } | { rate: number }): Promise<LoadResult> {
  const runs = Array.from({ length: loaders }, () => {
    const extra = 'rate' in mode ? ['--rate', String(mode.rate / loaders)] : ['--concurrency', String(Math.ceil(mode.concurrency / loaders))];
    const child = node('load/infer-client.mts', ['--target', target, '--model', model, '--seconds', String(seconds), '--features', String(FEATURES), '--client', client, ...extra]);
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    return new Promise<LoadResult>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)))));
  });
  const results = await Promise.all(runs);
  const sum = (k: keyof LoadResult) => results.reduce((n, r) => n + r[k], 0);
  const max = (k: keyof LoadResult) => Math.max(...results.map((r) => r[k]));
  return { count: sum('count'), errors: sum('errors'), rps: sum('rps'), p50: max('p50'), p90: max('p90'), p99: max('p99'), max: max('max') };
}

const model = (coef: number[], intercept: number): LogisticRegressionModel => ({ kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [coef], intercept: [intercept] });
const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'bench-serving-'));
const barePort = await freePort();
const bare = node('load/bare-inference-server.mts', [String(barePort)]);
const registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, LOG_LEVEL: 'warn' } });
// BENCH_SERVING_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the serving process.
const serving = await startPlatformService('serving', {
  env: { REGISTRY_GRPC_URL: registry.grpcAddress, LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.BENCH_SERVING_NODE_OPTIONS ?? '', SERVING_PREDICTION_LOG: process.env.SERVING_PREDICTION_LOG ?? 'true' },
});
const sidesWanted = (process.env.BENCH_SIDES ?? 'bare,serving,noauth,canary,flags').split(',');
let noAuth: Awaited<ReturnType<typeof startPlatformService>> | undefined;
const flagged: { flags: string; service: Awaited<ReturnType<typeof startPlatformService>> }[] = [];

/** Seconds of garbage collection a serving process has reported (every kind). */
async function servingGcSeconds(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`, { headers: authHeaders() })).text();
  return text.split('\n').filter((l) => l.startsWith('nodejs_gc_duration_seconds_sum')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

/** Seconds of garbage collection of the bare server so far (it answers a line on stdin). */
function bareGcSeconds(): Promise<number> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      const line = chunk.toString().split('\n').find((l) => l.startsWith('gc '));
      if (!line) return;
      bare.stdout!.off('data', onData);
      resolve(Number(line.split(' ')[1]) / 1000);
    };
    bare.stdout!.on('data', onData);
    bare.stdin!.write('gc\n');
  });
}
const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
const deployments = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService');
try {
  const register = async (name: string, m: LogisticRegressionModel) => {
    const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(m)) }]);
    return (await models.CreateModelVersion({ modelName: name, artifactSha256: sha256 })).version;
  };
  const deployed = (name: string, version: number, state: string) =>
    waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: name });
      return d.candidateVersion === version && d.state === state;
    }, { what: `${name} v${version} ${state}` });
  // The first version of each model goes live by itself (serving's basic deployment).
  const plain = uniqueName('bench-serving').replace(/_/g, '-');
  const canary = uniqueName('bench-canary').replace(/_/g, '-');
  for (const name of [plain, canary]) {
    await register(name, model([0.8, -0.4, 1.2], -0.3));
    await deployed(name, 1, 'DEPLOYMENT_STATE_PROMOTED');
  }
  await deployments.SetDeploymentPolicy({ modelName: canary, canarySteps: [50, 100], mirrorPercent: 10, intervalSeconds: 3600 });
  await register(canary, model([0.82, -0.41, 1.19], -0.29));
  await deployed(canary, 2, 'DEPLOYMENT_STATE_PROGRESSING');
  // Replicas of the same serving (same schema and group, so the same deployments).
  const replica = (options: { env?: Record<string, string>; nodeArgs?: string[] }) =>
    startPlatformService('serving', {
      nodeArgs: options.nodeArgs,
      env: { REGISTRY_GRPC_URL: registry.grpcAddress, LOG_LEVEL: 'warn', SERVING_PREDICTION_LOG: process.env.SERVING_PREDICTION_LOG ?? 'true', SERVING_DB_SCHEMA: serving.schema, SERVING_CONSUMER_GROUP: `serving-${serving.schema}`, ...options.env },
    });
  // One that does not check callers' tokens (MLOPS_AUTH=disabled): what authentication costs.
  if (sidesWanted.includes('noauth')) noAuth = await replica({ env: { MLOPS_AUTH: 'disabled' } });
  // Replicas started with V8 flags (a larger young generation: fewer scavenges, each of about
  // the same cost, since a scavenge copies what survives, not what died; GC on one thread).
  if (sidesWanted.includes('flags')) {
    // On node's command line: NODE_OPTIONS refuses most V8 flags (--single-threaded-gc among them).
    for (const flags of flagSets) flagged.push({ flags, service: await replica({ nodeArgs: flags.split(/\s+/) }) });
  }
  const bareTarget = `127.0.0.1:${barePort}`;
  await waitFor(async () => (await load(bareTarget, plain, { concurrency: 1 }).catch(() => undefined))?.count, { what: 'bare server', timeoutMs: 30_000 });

  const sides: Record<string, { target: string; model: string; gc: () => Promise<number> }> = Object.fromEntries(
    Object.entries({
      bare: { target: bareTarget, model: plain, gc: bareGcSeconds },
      serving: { target: serving.grpcAddress, model: plain, gc: () => servingGcSeconds(serving.httpUrl) },
      ...(noAuth ? { noauth: { target: noAuth.grpcAddress, model: plain, gc: () => servingGcSeconds(noAuth!.httpUrl) } } : {}),
      canary: { target: serving.grpcAddress, model: canary, gc: () => servingGcSeconds(serving.httpUrl) },
      ...Object.fromEntries(flagged.map(({ flags, service }) => [`flags ${flags}`, { target: service.grpcAddress, model: plain, gc: () => servingGcSeconds(service.httpUrl) }])),
    }).filter(([k]) => sidesWanted.includes(k.split(' ')[0])),
  );
  const saturation: Record<string, LoadResult[]> = {};
  const half: Record<string, LoadResult[]> = {};
  // Garbage collection during each side's own measurements, and the requests they answered.
  const gc: Record<string, { seconds: number; requests: number }> = {};
  const measure = async (side: string, run: () => Promise<LoadResult>): Promise<LoadResult> => {
    const before = await sides[side].gc();
    const result = await run();
    const spent = (await sides[side].gc()) - before;
    const total = (gc[side] ??= { seconds: 0, requests: 0 });
    total.seconds += spent;
    total.requests += result.count;
    return result;
  };
  for (let round = 0; round < rounds; round++) {
    for (const [side, { target, model: name }] of Object.entries(sides)) {
      log(`round ${round + 1}: ${side} at concurrency ${concurrency}`);
      (saturation[side] ??= []).push(await measure(side, () => load(target, name, { concurrency })));
    }
  }
  const med = (set: Record<string, LoadResult[]>, side: string, k: keyof LoadResult) => median((set[side] ?? []).map((r) => r[k]));
  const halfRate = med(saturation, 'bare', 'rps') / 2;
  for (let round = 0; round < rounds; round++) {
    for (const [side, { target, model: name }] of Object.entries(sides)) {
      log(`round ${round + 1}: ${side} at ${fmt(halfRate, 0)} requests/s`);
      (half[side] ??= []).push(await measure(side, () => load(target, name, { rate: halfRate })));
    }
  }
  const errors = (side: string) => [...(saturation[side] ?? []), ...(half[side] ?? [])].reduce((n, r) => n + r.errors, 0);
  const names: Record<string, string> = { bare: 'bare grpc-js (baseline)', serving: 'serving, production version', noauth: 'serving, production version, MLOPS_AUTH=disabled', canary: 'serving, mid-canary (50%, 10% mirrored)' };
  console.log(`\nModelInfer, 1 row of ${FEATURES} features, ${seconds} s per measurement, ${rounds} interleaved rounds (median), ${loaders} ${client} load process(es), prediction log ${process.env.SERVING_PREDICTION_LOG ?? 'true'}\n`);
  console.log(table([
    ['side', 'saturation req/s', 'ratio', `p50 ms @${fmt(halfRate, 0)}/s`, 'p90 ms', 'p99 ms', 'p99 − bare', 'p99 per round', 'GC ms per 10k requests', 'errors'],
    ...Object.keys(sides).map((side) => [
      names[side] ?? `serving, production version, ${side.slice('flags '.length)}`,
      fmt(med(saturation, side, 'rps'), 0),
      fmt(med(saturation, side, 'rps') / med(saturation, 'bare', 'rps')),
      fmt(med(half, side, 'p50'), 3),
      fmt(med(half, side, 'p90'), 3),
      fmt(med(half, side, 'p99'), 3),
      fmt(med(half, side, 'p99') - med(half, 'bare', 'p99'), 3),
      (half[side] ?? []).map((r) => fmt(r.p99, 1)).join(' · '),
      fmt((gc[side].seconds * 1000 * 10_000) / Math.max(1, gc[side].requests), 1),
      String(errors(side)),
    ]),
  ]));
  // Where serving's tail comes from: its own GC pauses and event-loop lag over the whole run.
  const metrics = (await (await fetch(`${serving.httpUrl}/metrics`, { headers: authHeaders() })).text()).split('\n');
  const pick = (prefix: string) => metrics.filter((l) => l.startsWith(prefix)).map((l) => l.replace(/\{[^}]*service="serving"[^}]*\}/, (m) => m.replace(/,?service="serving"/, ''))).join('\n  ');
  console.log(`\nserving process over the run:\n  ${pick('nodejs_gc_duration_seconds_sum')}\n  ${pick('nodejs_gc_duration_seconds_count')}\n  ${pick('nodejs_eventloop_lag_max_seconds')}`);
} finally {
  models.close();
  deployments.close();
  bare.kill('SIGTERM');
  await serving.stop();
  await noAuth?.stop();
  for (const { service } of flagged) await service.stop();
  await registry.stop();
  await fs.rm(artifactDir, { recursive: true, force: true });
}

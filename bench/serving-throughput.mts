// Serving throughput and latency: ModelInfer through the full serving path (routing by the
// model's deployment, adaptive batching, onnxruntime, prediction log to Kafka) against a bare
// grpc-js server answering the same message without a model (bench/load/bare-inference-server.mts).
// The load comes from separate processes (bench/load/infer-client.mts), closed loop for the
// saturation rate, then open loop at half of it for the latency.
//
//   bash bench/run.sh serving-throughput [seconds=10] [concurrency=64] [rounds=2]
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { freePort, grpcClient, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { fmt, log, median, table } from './lib.mts';

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 64);
const rounds = Number(process.argv[4] ?? 2);
const loaders = Number(process.env.BENCH_LOADERS ?? 1);
const FEATURES = 3;

const here = path.dirname(new URL(import.meta.url).pathname);
const node = (script: string, args: string[]): ChildProcess => spawn(process.execPath, ['--no-warnings', path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

interface LoadResult { count: number; errors: number; rps: number; p50: number; p90: number; p99: number; max: number }

/** Runs `loaders` generator processes at once and sums them. */
async function load(target: string, model: string, mode: { concurrency: number } | { rate: number }): Promise<LoadResult> {
  const runs = Array.from({ length: loaders }, () => {
    const extra = 'rate' in mode ? ['--rate', String(mode.rate / loaders)] : ['--concurrency', String(Math.ceil(mode.concurrency / loaders))];
    const child = node('load/infer-client.mts', ['--target', target, '--model', model, '--seconds', String(seconds), '--features', String(FEATURES), ...extra]);
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    return new Promise<LoadResult>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)))));
  });
  const results = await Promise.all(runs);
  const sum = (k: keyof LoadResult) => results.reduce((n, r) => n + r[k], 0);
  const max = (k: keyof LoadResult) => Math.max(...results.map((r) => r[k]));
  return { count: sum('count'), errors: sum('errors'), rps: sum('rps'), p50: max('p50'), p90: max('p90'), p99: max('p99'), max: max('max') };
}

const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [[0.8, -0.4, 1.2]], intercept: [-0.3] };
const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'bench-serving-'));
const barePort = await freePort();
const bare = node('load/bare-inference-server.mts', [String(barePort)]);
const registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, LOG_LEVEL: 'warn' } });
// BENCH_SERVING_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the serving process.
const serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.BENCH_SERVING_NODE_OPTIONS ?? '', SERVING_PREDICTION_LOG: process.env.SERVING_PREDICTION_LOG ?? 'true' } });
const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
try {
  const name = uniqueName('bench-serving').replace(/_/g, '-');
  const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(model)) }]);
  await models.CreateModelVersion({ modelName: name, artifactSha256: sha256 });
  await models.SetAlias({ modelName: name, alias: 'production', version: 1 });
  const bareTarget = `127.0.0.1:${barePort}`;
  await waitFor(async () => (await load(bareTarget, name, { concurrency: 1 }).catch(() => undefined))?.count, { what: 'bare server', timeoutMs: 30_000 });

  // BENCH_SIDES=serving measures one side only (for profiling).
  const sides = Object.fromEntries(Object.entries({ bare: bareTarget, serving: serving.grpcAddress }).filter(([k]) => (process.env.BENCH_SIDES ?? 'bare,serving').split(',').includes(k)));
  const saturation: Record<string, LoadResult[]> = { bare: [], serving: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [side, target] of Object.entries(sides)) {
      log(`round ${round + 1}: ${side} at concurrency ${concurrency}`);
      saturation[side].push(await load(target, name, { concurrency }));
    }
  }
  const satRps = (side: string) => median(saturation[side].map((r) => r.rps));
  const halfRate = satRps('bare') / 2;
  const half: Record<string, LoadResult[]> = { bare: [], serving: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [side, target] of Object.entries(sides)) {
      log(`round ${round + 1}: ${side} at ${fmt(halfRate, 0)} requests/s`);
      half[side].push(await load(target, name, { rate: halfRate }));
    }
  }
  const p = (set: Record<string, LoadResult[]>, side: string, k: keyof LoadResult) => median(set[side].map((r) => r[k]));
  console.log(`\nModelInfer, 1 row of ${FEATURES} features, ${seconds} s per measurement, ${rounds} interleaved rounds (median), ${loaders} load process(es)\n`);
  console.log(table([
    ['side', 'saturation req/s', 'ratio', `p50 ms @${fmt(halfRate, 0)}/s`, 'p99 ms', 'p99 − bare', 'errors'],
    ['bare grpc-js (baseline)', fmt(satRps('bare'), 0), '1.00', fmt(p(half, 'bare', 'p50'), 3), fmt(p(half, 'bare', 'p99'), 3), '0', String(p(saturation, 'bare', 'errors') + p(half, 'bare', 'errors'))],
    ['serving (full path)', fmt(satRps('serving'), 0), fmt(satRps('serving') / satRps('bare')), fmt(p(half, 'serving', 'p50'), 3), fmt(p(half, 'serving', 'p99'), 3), fmt(p(half, 'serving', 'p99') - p(half, 'bare', 'p99'), 3), String(p(saturation, 'serving', 'errors') + p(half, 'serving', 'errors'))],
  ]));
} finally {
  models.close();
  bare.kill('SIGTERM');
  await serving.stop();
  await registry.stop();
  await fs.rm(artifactDir, { recursive: true, force: true });
}

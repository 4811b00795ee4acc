// Soak: the six services under mixed load for a bounded time, to show memory and latency stay
// flat. Inference traffic runs the whole time (OIP gRPC, 3 concurrent clients, a label after
// each answer); every minute a producer streams 2000 more records through ingestion into the
// feature store; every third minute a new version is registered, so a canary runs, is judged on
// the labels and promoted. Each minute prints the services' resident memory and the clients'
// latency; the baseline is the first minute after warm-up, and the last columns are the ratios
// of the last minute to it (flat = close to 1).
//
//   bash bench/run.sh soak [minutes=10]
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { LoopScenario, createClients } from '@mlops/client';
import { Topics } from '@mlops/contracts';
import { startPlatform, testKafkaBrokers, uniqueName } from '@mlops/testing';
import { fmt, log, percentile, sleep, table } from './lib.mts';

const minutes = Number(process.argv[2] ?? 10);
const platform = await startPlatform({ env: { LOG_LEVEL: 'warn' } });
const clients = createClients({ env: platform.clientEnv, timeoutMs: 20_000 });
const scenario = new LoopScenario({ name: uniqueName('soak').replace(/_/g, '-'), clients, kafkaBrokers: testKafkaBrokers(), records: 3000, intervalSeconds: 2 });
const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();

const rssMiB = (pid: number | undefined) => {
  if (!pid) return NaN;
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
};

interface Minute {
  minute: number;
  requests: number;
  failed: number;
  p50: number;
  p99: number;
  rss: Record<string, number>;
  versions: string;
}
const rows: Minute[] = [];
let latencies: number[] = [];
let requests = 0;
let failed = 0;
let running = true;
const versions: Record<string, number> = {};

try {
  await scenario.connect();
  await producer.connect();
  await scenario.setUp();
  await scenario.streamRecords('before');
  await scenario.trainFirstModel();
  const inference = clients.api('serving', { protoFile: 'inference/grpc_predict_v2.proto', service: 'inference.GRPCInferenceService' });
  const worker = async (w: number) => {
    let n = 0;
    while (running) {
      const x = [Math.random() * 2 - 1, Math.random() * 2 - 1, Math.random() * 2 - 1];
      const started = performance.now();
      try {
        const answer = await inference.call<{ id: string; modelVersion: string }>('ModelInfer', { modelName: scenario.model, id: `${scenario.model}-${w}-${n++}`, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: x } }] }, { timeoutMs: 5000 });
        latencies.push(performance.now() - started);
        requests++;
        versions[answer.modelVersion] = (versions[answer.modelVersion] ?? 0) + 1;
        const label = x[0]! + x[2]! > 0.5 ? 1 : 0;
        void producer
          .send({ topic: Topics.feedbackReceived.name, messages: [{ key: scenario.model, value: Buffer.from(Topics.feedbackReceived.codec.encode({ requestId: answer.id, modelName: scenario.model, label, observedAtMs: Date.now(), row: 0 }).finish()), headers: { 'content-type': `application/x-protobuf; type=${Topics.feedbackReceived.messageType}` } }] })
          .catch(() => undefined);
      } catch {
        failed++;
        await sleep(100);
      }
      await sleep(5);
    }
  };
  const workers = [0, 1, 2].map(worker);
  log(`soak: ${minutes} minutes of inference, ingestion every minute, a canary every third minute`);
  for (let minute = 1; minute <= minutes; minute++) {
    const end = Date.now() + 60_000;
    await scenario.streamRecords('before', 2000);
    if (minute % 3 === 0) {
      const production = await clients.registry.call<{ artifactSha256: string }>('GetModelVersionByAlias', { modelName: scenario.model, alias: 'production' });
      await clients.registry.call('CreateModelVersion', { modelName: scenario.model, artifactSha256: production.artifactSha256, featureNames: ['x1', 'x2', 'x3'], description: `soak minute ${minute}` });
    }
    await sleep(Math.max(0, end - Date.now()));
    const sorted = latencies.sort((a, b) => a - b);
    const row: Minute = {
      minute,
      requests,
      failed,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      rss: Object.fromEntries(platform.services.map((s) => [s.name, rssMiB(s.proc.pid)])),
      versions: JSON.stringify(versions),
    };
    rows.push(row);
    log(`minute ${minute}: ${requests} requests, ${failed} failed, p50 ${fmt(row.p50)} ms, p99 ${fmt(row.p99)} ms, rss ${Object.entries(row.rss).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(' ')} MiB; answered by ${row.versions}`);
    latencies = [];
    requests = 0;
    failed = 0;
    for (const k of Object.keys(versions)) delete versions[k];
  }
  running = false;
  await Promise.all(workers);
  const { deployments } = await clients.deployments.call<{ deployments: { candidateVersion: number; state: string; reason: string }[] }>('ListDeployments', { modelName: scenario.model });
  for (const d of deployments) log(`deployment of v${d.candidateVersion}: ${d.state.replace('DEPLOYMENT_STATE_', '').toLowerCase()} — ${d.reason}`);
} finally {
  running = false;
  await producer.disconnect().catch(() => undefined);
  await scenario.close();
  clients.close();
  await platform.stop();
}

const base = rows[Math.min(1, rows.length - 1)]!;
const last = rows[rows.length - 1]!;
const names = Object.keys(base.rss);
console.log(`\nsoak, ${minutes} minutes (baseline: minute ${base.minute}; ratio = last minute / baseline):`);
console.log(
  table([
    ['minute', 'requests', 'failed', 'p50 ms', 'p99 ms', ...names.map((n) => `${n} MiB`)],
    ...rows.map((r) => [r.minute, r.requests, r.failed, fmt(r.p50), fmt(r.p99), ...names.map((n) => fmt(r.rss[n]!, 0))]),
    ['ratio', fmt(last.requests / base.requests), '', fmt(last.p50 / base.p50), fmt(last.p99 / base.p99), ...names.map((n) => fmt(last.rss[n]! / base.rss[n]!))],
  ]),
);

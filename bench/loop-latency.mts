// Loop latency: from the shift in the data to the retrained version serving canary traffic, on
// all six services (processes on the local broker and Postgres), driven by the demo's scenario
// (libs/client/src/scenario). Each round is a fresh model: records before the shift, the first model,
// traffic with labels, the shift, then nothing but watching. The baseline beside it is the
// training job itself (snapshot, fit, evaluation, ONNX export): the loop can never be faster,
// and what it adds is the platform's orchestration (plus detection, which the policy's window
// sizes and the traffic rate decide). Services run with their default settings (serving re-reads
// deployments every second and looks for due analyses every 250 ms), as a user runs them.
//
//   bash bench/run.sh loop-latency [rounds=3] [records=3000]
import { LoopScenario, createClients } from '@mlops/client';
import { startPlatform, testKafkaBrokers, uniqueName } from '@mlops/testing';
import { fmt, log, median, table } from './lib.mts';

const rounds = Number(process.argv[2] ?? 3);
const records = Number(process.argv[3] ?? 3000);

const platform = await startPlatform({ env: { LOG_LEVEL: 'warn' } });
const clients = createClients({ env: platform.clientEnv, timeoutMs: 20_000 });

type Row = { detection: number; training: number; orchestration: number; toCanary: number; canary: number; firstLive: number };
const results: Row[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const scenario = new LoopScenario({ name: uniqueName(`bench${round}`).replace(/_/g, '-'), clients, kafkaBrokers: testKafkaBrokers(), records, intervalSeconds: 2 });
    await scenario.connect();
    try {
      await scenario.setUp();
      await scenario.streamRecords('before');
      const submitted = Date.now();
      await scenario.trainFirstModel();
      const firstLive = Date.now() - submitted;
      scenario.startTraffic();
      await scenario.until(async () => (scenario.stats.byVersion['1'] ?? 0) >= 500, 120_000, 'traffic on version 1');
      const shiftedAt = await scenario.shift();
      const { alertId } = await scenario.retrainingAlert();
      const latency = (await scenario.latency(await scenario.promotedSaga(alertId), shiftedAt))!;
      const row = { detection: latency.detectionMs, training: latency.trainingMs, orchestration: latency.orchestrationMs, toCanary: latency.shiftToCanaryMs, canary: latency.canaryMs ?? NaN, firstLive };
      results.push(row);
      log(`round ${round}: ${JSON.stringify(row)}; traffic ${scenario.stats.sent} requests, ${scenario.stats.failed} failed`);
    } finally {
      await scenario.close();
    }
  }
} finally {
  clients.close();
  await platform.stop();
}

const m = (k: keyof Row) => median(results.map((r) => r[k]).filter(Number.isFinite));
const s = (ms: number) => `${fmt(ms / 1000)} s`;
console.log(`\nloop latency, ${rounds} rounds, ${records} records per phase (medians):`);
console.log(
  table([
    ['stage', 'median', 'per round'],
    ['shift → alert (detection)', s(m('detection')), results.map((r) => s(r.detection)).join(', ')],
    ['training job (baseline)', s(m('training')), results.map((r) => s(r.training)).join(', ')],
    ['orchestration (everything else)', s(m('orchestration')), results.map((r) => s(r.orchestration)).join(', ')],
    ['shift → canary traffic on the new version', s(m('toCanary')), results.map((r) => s(r.toCanary)).join(', ')],
    ['canary → promoted (3 steps × 2 s analysis)', s(m('canary')), results.map((r) => s(r.canary)).join(', ')],
    ['first model: job submitted → in production', s(m('firstLive')), results.map((r) => s(r.firstLive)).join(', ')],
  ]),
);
console.log(`\nshift → canary is ${fmt(m('toCanary') / m('training'))}× the training job alone; orchestration ${s(m('orchestration'))} (goal < 3 s), shift → canary ${s(m('toCanary'))} (goal < 60 s)`);

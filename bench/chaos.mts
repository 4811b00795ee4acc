// Chaos: the closed loop for a bounded time while faults are injected, then an account of what
// went in and what came out. The six services run as processes on a broker and a Postgres of
// this run's own; clients send predictions (and labels) the whole time; the producer moves the
// data from one world to the other and back, so drift → retraining → registration → canary →
// promotion closes again and again. Every 20–40 s a random service is SIGKILLed and restarted
// (same ports, schema and consumer group); once a third of the run has passed the broker is
// SIGKILLed and restarted, after two thirds Postgres is stopped in immediate mode (a crash: no
// checkpoint, WAL recovery). At the end: loop completions, records streamed vs stored (count and
// a checksum of their ids), predictions attempted vs answered, duplicates, each restart's
// recovery time.
//
//   bash scripts/chaos.sh [minutes=10]
import { createHash } from 'node:crypto';
import { LoopScenario, createClients } from '@mlops/client';
import { PrivateKafkaBroker, PrivatePostgres, type RunningService, freePort, startPlatform, uniqueName, waitUntilReady } from '@mlops/testing';
import { log, sleep, table } from './lib.mts';

type Phase = 'before' | 'after';
const minutes = Number(process.argv[2] ?? 10);
const started = Date.now();
const end = started + minutes * 60_000;
const at = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;

const broker = new PrivateKafkaBroker(await freePort());
await broker.start();
const pg = new PrivatePostgres(await freePort());
await pg.start();
process.env.KAFKA_BROKERS = broker.brokers.join(',');
process.env.TEST_DATABASE_URL = `postgres://postgres@127.0.0.1:${pg.port}/mlops_chaos`;
log(`broker ${broker.brokers[0]}, postgres :${pg.port}; starting the six services`);
const platform = await startPlatform({
  // A killed member's partitions move after 6 s instead of 30.
  env: { LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '6000' },
  serviceEnv: { serving: { SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100' } },
});
const clients = createClients({ env: platform.clientEnv, timeoutMs: 20_000 });
const scenario = new LoopScenario({ name: uniqueName('chaos').replace(/_/g, '-'), clients, kafkaBrokers: broker.brokers, records: 2000, intervalSeconds: 2 });

interface Fault {
  atS: number;
  target: string;
  how: string;
  recoveryMs: number;
}
interface Completion {
  atS: number;
  phase: Phase;
  version: number;
  ms: number;
  faultsDuring: number;
}
const faults: Fault[] = [];
const completions: Completion[] = [];
const loopErrors: string[] = [];
let injecting = true;
const COOLDOWN_S = 45;
let lastRetrainAtMs = 0;

/** Every service ready again (after the broker or the database came back). */
const allReady = () => Promise.all(platform.services.map((s) => waitUntilReady(s, 180_000)));

async function injectFaults(): Promise<void> {
  let brokerDone = false;
  let postgresDone = false;
  while (injecting) {
    await sleep(20_000 + Math.random() * 20_000);
    if (!injecting || Date.now() > end) return;
    const share = (Date.now() - started) / (end - started);
    const t0 = Date.now();
    if (!brokerDone && share > 1 / 3) {
      brokerDone = true;
      log(`${at()}  SIGKILL kafka`);
      await broker.kill();
      await broker.start();
      await allReady();
      faults.push({ atS: (t0 - started) / 1000, target: 'kafka', how: 'SIGKILL, restart', recoveryMs: Date.now() - t0 });
    } else if (!postgresDone && share > 2 / 3) {
      postgresDone = true;
      log(`${at()}  crash postgres (stop -m immediate)`);
      await pg.stop('immediate');
      await pg.start();
      await allReady();
      faults.push({ atS: (t0 - started) / 1000, target: 'postgres', how: 'immediate stop, restart', recoveryMs: Date.now() - t0 });
    } else {
      const victim: RunningService = platform.services[Math.floor(Math.random() * platform.services.length)];
      log(`${at()}  SIGKILL ${victim.name}`);
      await victim.proc.stop('SIGKILL');
      victim.proc.start();
      await waitUntilReady(victim, 180_000);
      faults.push({ atS: (t0 - started) / 1000, target: victim.name, how: 'SIGKILL, restart', recoveryMs: Date.now() - t0 });
    }
    log(`${at()}  ${faults[faults.length - 1].target} recovered in ${faults[faults.length - 1].recoveryMs} ms`);
  }
}

/** Shifts the world and waits for the loop to close: a new alert, its retraining, the canary, the promotion. */
async function closeTheLoop(phase: Phase, seen: Set<string>): Promise<void> {
  // A drift seen within the cooldown of the last retraining raises an alert without a retraining,
  // and the next one waits until the drift has cleared: so the world moves only after the cooldown.
  const wait = lastRetrainAtMs + (COOLDOWN_S + 2) * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  const t0 = Date.now();
  const faultsBefore = faults.length;
  await scenario.shiftTo(phase, 1500);
  const alert = await scenario.until(
    async () => (await clients.monitoring.call<{ alerts: { alertId: string; retrainRequested: boolean; raisedAtMs: string | number }[] }>('ListAlerts', { modelName: scenario.model })).alerts.find((a) => a.retrainRequested && !seen.has(a.alertId)),
    240_000,
    `a new alert after the shift to "${phase}"`,
  );
  seen.add(alert.alertId);
  lastRetrainAtMs = Number(alert.raisedAtMs);
  const steps = await scenario.promotedSaga(alert.alertId, 300_000).catch(async (error: Error) => {
    // Where the saga stopped: its timeline so far.
    const { steps: so } = await clients.monitoring.call<{ steps: { kind: string; summary: string }[] }>('GetTimeline', { correlationId: alert.alertId }).catch(() => ({ steps: [] }));
    throw new Error(`${error.message}; the saga got to: ${so.map((x) => `${x.kind} (${x.summary})`).join(' → ') || 'nothing'}`);
  });
  const version = steps.find((s) => s.kind === 'version.registered')?.version ?? 0;
  completions.push({ atS: (t0 - started) / 1000, phase, version, ms: Date.now() - t0, faultsDuring: faults.length - faultsBefore });
  log(`${at()}  loop closed: shift to "${phase}" → version ${version} promoted in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

try {
  await scenario.connect();
  await scenario.setUp();
  // A retraining at most every 45 s (a retraining and its canary take 10-20 s without faults), on the last 30 s of data:
  // the records of the shift (dated over the 15 s before it), none of the world before (at least 45 s old).
  await clients.monitoring.call('SetMonitoringPolicy', { modelName: scenario.model, windowSize: 500, evaluateEvery: 250, labelWindow: 200, consecutive: 2, clearAfter: 2, cooldownSeconds: COOLDOWN_S, retrainWindowSeconds: 30, retrain: 'RETRAIN_POLICY_AUTOMATIC' });
  await scenario.streamRecords('before');
  await scenario.trainFirstModel();
  scenario.startTraffic();
  log(`${at()}  first model live; the loop runs for ${minutes} min under faults`);
  const injector = injectFaults();
  const seen = new Set<string>();
  let phase: Phase = 'before';
  while (Date.now() < end) {
    phase = phase === 'before' ? 'after' : 'before';
    try {
      await closeTheLoop(phase, seen);
    } catch (error) {
      loopErrors.push(`${at()} ${(error as Error).message}`);
      log(`${at()}  loop did not close: ${(error as Error).message}`);
      await sleep(2000);
    }
  }
  injecting = false;
  await injector;
  // The loop must close after the last fault too.
  phase = phase === 'before' ? 'after' : 'before';
  await closeTheLoop(phase, seen).catch((error) => loopErrors.push(`after the last fault: ${(error as Error).message}`));
  await scenario.close();

  // Records: every id streamed is stored once, and nothing else.
  const version = await clients.ingestion.call<{ version: number; rowCount: number }>('CreateDatasetVersion', { dataset: scenario.dataset });
  const stored: string[] = [];
  for await (const record of clients.ingestion.download<{ recordId: string }>('ReadDatasetVersion', { dataset: scenario.dataset, version: version.version })) stored.push(record.recordId);
  const checksum = (ids: string[]) => createHash('sha256').update([...ids].sort().join('\n')).digest('hex').slice(0, 16);
  const streamedIds = new Set(scenario.streamedRecordIds);
  const storedIds = new Set(stored);
  const missing = [...streamedIds].filter((id) => !storedIds.has(id)).length;
  const unexpected = [...storedIds].filter((id) => !streamedIds.has(id)).length;

  // Duplicates: a record stored twice, a version registered twice for one run, a job run twice for one alert.
  const versions = (await clients.registry.call<{ versions: { lineage?: { runId: string } }[] }>('ListModelVersions', { modelName: scenario.model })).versions;
  const runIds = versions.map((v) => v.lineage?.runId ?? '').filter(Boolean);
  const jobs = (await clients.training.call<{ jobs: { idempotencyKey?: string; attempts: number; status: string; statusMessage: string; gatePassed: boolean; gateReason: string }[] }>('ListTrainingJobs', { modelName: scenario.model, limit: 500 })).jobs;
  const keys = jobs.map((j) => j.idempotencyKey ?? '').filter(Boolean);
  const duplicates = {
    records: stored.length - storedIds.size,
    versionsPerRun: runIds.length - new Set(runIds).size,
    jobsPerKey: keys.length - new Set(keys).size,
  };
  const s = scenario.stats;
  const answered = Object.values(s.byVersion).reduce((a, b) => a + b, 0);

  console.log(`\nchaos run: ${minutes} min, ${faults.length} faults, ${completions.length} loop completions, ${loopErrors.length} loops that did not close\n`);
  console.log(table([['at', 'fault', 'how', 'recovery'], ...faults.map((f) => [`${f.atS.toFixed(0)} s`, f.target, f.how, `${(f.recoveryMs / 1000).toFixed(1)} s`])]));
  console.log();
  console.log(table([['at', 'shift to', 'version promoted', 'loop took', 'faults meanwhile'], ...completions.map((c) => [`${c.atS.toFixed(0)} s`, c.phase, String(c.version), `${(c.ms / 1000).toFixed(0)} s`, String(c.faultsDuring)])]));
  console.log();
  console.log(table([
    ['account', 'in', 'out', 'balanced'],
    ['records (count)', String(streamedIds.size), String(stored.length), String(streamedIds.size === stored.length && missing === 0 && unexpected === 0)],
    ['records (checksum of ids)', checksum([...streamedIds]), checksum(stored), String(checksum([...streamedIds]) === checksum(stored))],
    ['predictions attempted / answered + refused', String(s.sent), `${answered} + ${s.failed}`, String(s.sent === answered + s.failed)],
    ['duplicates (records, versions per run, jobs per key)', '0', `${duplicates.records}, ${duplicates.versionsPerRun}, ${duplicates.jobsPerKey}`, String(Object.values(duplicates).every((d) => d === 0))],
  ]));
  if (s.failed > 0) console.log(`\nrefused predictions (first ${s.failures.length}): ${[...new Set(s.failures)].slice(0, 5).join(' | ')}`);
  if (loopErrors.length > 0) console.log(`\nloops that did not close:\n  ${loopErrors.join('\n  ')}`);
  console.log(`\ntraining jobs:\n  ${jobs.map((j) => `${j.idempotencyKey} ${j.status.replace('JOB_STATUS_', '')} after ${j.attempts} attempt(s): ${j.gatePassed ? 'gate passed' : 'gate failed'} (${j.gateReason || j.statusMessage})`).join('\n  ')}`);
  console.log(`\nrecords missing ${missing}, unexpected ${unexpected}; versions ${versions.length}; training jobs ${jobs.length}`);
} finally {
  injecting = false;
  clients.close();
  await platform.stop();
  await broker.wipe();
  await pg.wipe();
}

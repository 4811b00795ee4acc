// Idle cost: what each service uses of a core, and how often its event loop wakes, with no
// traffic at all (a platform mostly waits; on a shared node an idle pod should cost nearly nothing).
//
//   bash bench/run.sh idle [seconds=20] [service…]
//
// Each service is started alone against the local broker and Postgres, left 10 s to settle, then
// read from /proc for the given seconds: the process's CPU (user + system) and its main thread's
// voluntary context switches (each is one wake-up of the event loop). Baseline beside it: the
// same service with KAFKAJS_IDLE_FIX=off (kafkajs 2.2.4's own request-queue scheduling).
import { readFileSync } from 'node:fs';
import { startPlatformService } from '@mlops/testing';
import { fmt, log, sleep, table } from './lib.mts';
import { processCpuSeconds } from './cpu.mts';

const [secondsArg, ...named] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 20);
const services = named.length > 0 ? named : ['ingestion', 'feature-store', 'training', 'registry', 'serving', 'monitoring'];

/** The process's CPU seconds and its main thread's voluntary context switches so far. */
function mainThread(pid: number): { cpuSeconds: number; wakeups: number } {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return { cpuSeconds: processCpuSeconds(pid), wakeups: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]) };
}

async function idle(name: string, env: Record<string, string>): Promise<{ cores: number; wakeups: number }> {
  // Upstreams are not started: an unreachable one only matters when a call needs it.
  const service = await startPlatformService(name, { env: { LOG_LEVEL: 'warn', INGESTION_GRPC_URL: '127.0.0.1:1', REGISTRY_GRPC_URL: '127.0.0.1:1', FEATURE_STORE_GRPC_URL: '127.0.0.1:1', ...env } });
  try {
    await sleep(10_000);
    const pid = service.proc.pid!;
    const a = mainThread(pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const b = mainThread(pid);
    const elapsed = (performance.now() - t0) / 1000;
    return { cores: (b.cpuSeconds - a.cpuSeconds) / elapsed, wakeups: (b.wakeups - a.wakeups) / elapsed };
  } finally {
    await service.stop();
  }
}

const rows: string[][] = [['service', 'cores: kafkajs as released (baseline)', 'cores: patched', 'ratio', 'wake-ups/s: baseline', 'wake-ups/s: patched']];
for (const name of services) {
  const before = await idle(name, { KAFKAJS_IDLE_FIX: 'off' });
  const after = await idle(name, {});
  rows.push([name, fmt(before.cores, 3), fmt(after.cores, 3), fmt(after.cores / before.cores), fmt(before.wakeups, 0), fmt(after.wakeups, 0)]);
  log(`${name}: ${fmt(before.cores, 3)} → ${fmt(after.cores, 3)} cores, ${fmt(before.wakeups, 0)} → ${fmt(after.wakeups, 0)} wake-ups/s`);
}
console.log(`\nIdle for ${seconds} s after 10 s of settling, each service alone:`);
console.log(table(rows));

import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TensorSpec } from '../inference/domain/tensors';

export interface LoadGuardLimits {
  /** The probe is killed when its resident memory passes this (SERVING_MODEL_LOAD_MAX_RSS_BYTES). */
  maxRssBytes: number;
  /** …or when load and warm-up take longer than this (SERVING_MODEL_LOAD_TIMEOUT_MS). */
  timeoutMs: number;
  intraOpThreads: number;
}

export interface ProbeResult {
  ok: boolean;
  /** Why the model was refused, for the deployment's reason. */
  reason?: string;
  peakRssBytes: number;
  ms: number;
}

const CHILD = path.join(__dirname, 'load-probe.child.js');
/** How often the probe's memory is read (a model filling memory at ~5 GB/s passes the limit by at most ~100 MB). */
const SAMPLE_MS = 20;

/** True where the compiled probe exists (not under the TypeScript sources the unit tests run). */
export function loadGuardAvailable(): boolean {
  return existsSync(CHILD);
}

/**
 * The memory and time guard of a model load: before serving loads a model into its own process,
 * a child process loads it and runs the warm-up, watched from here: killed (SIGKILL) when its
 * resident memory passes the limit or its time runs out, which unlike a native call in this
 * process can always be stopped. A model that would exhaust memory, hang, or crash the runtime
 * fails its load (and so its deployment, with the reason) and never reaches a replica.
 */
export async function probeLoad(bytes: Uint8Array, inputs: TensorSpec[], limits: LoadGuardLimits): Promise<ProbeResult> {
  const file = path.join(tmpdir(), `mlops-load-probe-${randomUUID()}.onnx`);
  await fs.writeFile(file, bytes);
  const started = performance.now();
  try {
    return await new Promise<ProbeResult>((resolve) => {
      // Own execArgv: a profiler or inspector flag of the service is not the probe's.
      const child = fork(CHILD, [file, JSON.stringify(inputs), String(limits.intraOpThreads)], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let peak = 0;
      let refused: string | undefined;
      let answer: { ok: boolean; error?: string } | undefined;
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
      const stop = (reason: string) => {
        refused ??= reason;
        child.kill('SIGKILL');
      };
      const sampler = setInterval(() => {
        const rss = residentBytes(child.pid);
        peak = Math.max(peak, rss);
        if (rss > limits.maxRssBytes) stop(`used more than SERVING_MODEL_LOAD_MAX_RSS_BYTES (${limits.maxRssBytes} bytes) while loading`);
      }, SAMPLE_MS);
      const timer = setTimeout(() => stop(`took longer than SERVING_MODEL_LOAD_TIMEOUT_MS (${limits.timeoutMs} ms) to load and warm up`), limits.timeoutMs);
      child.on('message', (message: { ok: boolean; error?: string }) => void (answer = message));
      child.on('exit', (code, signal) => {
        clearInterval(sampler);
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        if (refused) return resolve({ ok: false, reason: refused, peakRssBytes: peak, ms });
        if (answer?.ok && code === 0) return resolve({ ok: true, peakRssBytes: peak, ms });
        const why = answer?.error ?? (signal ? `the runtime was killed by ${signal}` : `the runtime exited with code ${code}`);
        resolve({ ok: false, reason: `failed to load: ${why}${stderr && !answer ? ` (${stderr.trim().split('\n').slice(-3).join(' | ')})` : ''}`, peakRssBytes: peak, ms });
      });
    });
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** A process's resident memory from /proc (0 where it cannot be read: the time limit still holds). */
function residentBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

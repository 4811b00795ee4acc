import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, waitFor } from './infra';
import { authHeaders } from './auth';

export type LogLine = Record<string, unknown> & { msg?: string; level?: string; correlationId?: string };

/**
 * A platform service running as its own Node.js process from its build (services/<name>/dist),
 * exactly as it runs in production, with its JSON log lines captured for assertions.
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    /** The checkout whose build runs: another commit's, for a bench's before side. */
    private readonly root = REPO_ROOT,
    /** Options for node itself, before the script (V8 flags that NODE_OPTIONS does not take). */
    private readonly nodeArgs: string[] = [],
  ) {}

  start(): this {
    const main = path.join(this.root, 'services', this.name, 'dist/main.js');
    const child = spawn(process.execPath, [...this.nodeArgs, main], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.logs.push(JSON.parse(line));
        } catch {
          this.logs.push({ msg: line, level: 'raw' });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    return this;
  }

  /** Resolves with the exit code. */
  exitCode(): Promise<number | null> {
    if (!this.exited) throw new Error('not started');
    return this.exited;
  }

  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000, what = 'log line'): Promise<LogLine> {
    return waitFor(() => this.logs.find(predicate), { timeoutMs, what: `${this.name}: ${what}` });
  }

  /** Sends SIGTERM (graceful) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exitCode();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}

/** GETs a URL on loopback (with the test issuer's admin token unless `headers` say otherwise);
 * resolves with status and parsed body (never throws on HTTP errors). */
export async function httpGet(url: string, headers: Record<string, string> = authHeaders()): Promise<{ status: number; body: string; json?: unknown; headers: Headers }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), headers });
  const body = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: response.status, body, json, headers: response.headers };
}

// Finds what the machine has: Java, Maven, a PostgreSQL server that answers, what Debian could
// install. Read-only, except that an empty apt package list is refreshed (apt-get update) when
// something is missing, since apt-cache knows nothing before that.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { PgAnswer, Probe } from './decide.mts';
import { DEFAULT_PG_ADDRESS, JAVA_PACKAGES, MAVEN_PACKAGE } from './decide.mts';
import { embeddedState, type EmbeddedLayout } from './embedded-pg.mts';

export interface ProbeOptions {
  env: NodeJS.ProcessEnv;
  layout: EmbeddedLayout;
  /** Refresh empty apt lists when something is missing (not in a dry run). */
  mayUpdateApt: boolean;
  /** Preferred port of a new embedded server. */
  embeddedPort: number;
}

export async function probeMachine(opts: ProbeOptions): Promise<Probe> {
  const { env } = opts;
  const root = process.getuid?.() === 0;
  const aptAvailable = commandExists('apt-get');
  const javaVersion = parseJavaVersion(run(env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java', ['-version']).stderr);
  const mvn = commandExists('mvn');
  const url = databaseUrl(env);
  const pg = { ...(await probePostgres(url.url)), address: url.address, namedByCaller: url.namedByCaller };
  const pgClusters = debianClusters();
  const needApt = javaVersion === null || javaVersion < 17 || !mvn || (pg.answer === 'none' && pgClusters.length === 0);
  if (needApt && aptAvailable && root && opts.mayUpdateApt && !env.MLOPS_APT_UPDATED && aptListsEmpty()) {
    console.log('[setup] refreshing the empty apt package lists (apt-get update)');
    run('apt-get', ['update', '-qq']);
  }
  const aptInstallable = needApt && aptAvailable ? [...JAVA_PACKAGES, MAVEN_PACKAGE].filter(aptCandidate) : [];
  const pgInstallable = needApt && aptAvailable && aptCandidate('postgresql') ? parseDependsVersioned(run('apt-cache', ['depends', 'postgresql']).stdout) : null;
  return {
    javaVersion, mvn, pg, pgClusters, pgInstallable, aptInstallable, aptAvailable, root,
    embedded: embeddedState(opts.layout),
    freePort: await freePort(opts.embeddedPort),
  };
}

/** The major version in `java -version`'s output: 'version "17.0.15"' → 17, 'version "1.8.0_392"' → 8. */
export function parseJavaVersion(output: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!m) return null;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** The versioned server package in `apt-cache depends postgresql` (Debian's meta-package). */
export function parseDependsVersioned(output: string): string | null {
  const m = /Depends:\s*(postgresql-\d+(?:\.\d+)?)\s*$/m.exec(output);
  return m ? m[1] : null;
}

/** Whether `apt-cache policy` names a candidate to install. */
export function hasCandidate(policyOutput: string): boolean {
  const m = /Candidate:\s*(\S+)/.exec(policyOutput);
  return m !== null && m[1] !== '(none)';
}

/**
 * The platform's database URL: the caller's DATABASE_URL when it named one (scripts/env.sh records
 * the value it chose itself in MLOPS_AUTO_DATABASE_URL), else the server on 127.0.0.1:5432.
 */
export function databaseUrl(env: NodeJS.ProcessEnv): { url: string; address: string; namedByCaller: boolean } {
  const given = env.DATABASE_URL;
  const namedByCaller = Boolean(given) && given !== env.MLOPS_AUTO_DATABASE_URL;
  const url = namedByCaller ? String(given) : `postgres://postgres@${DEFAULT_PG_ADDRESS}/mlops`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${JSON.stringify(url)}`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error(`DATABASE_URL must be a postgres:// URL, not ${parsed.protocol}//…`);
  return { url, address: `${parsed.hostname}:${parsed.port || 5432}`, namedByCaller };
}

/** 'ready' when psql can run a query as the URL's user; 'refused' when something listens but says no. */
export async function probePostgres(url: string): Promise<{ answer: PgAnswer; detail?: string }> {
  const parsed = new URL(url);
  const port = Number(parsed.port || 5432);
  if (!(await listening(parsed.hostname, port))) return { answer: 'none' };
  if (!commandExists('psql')) return { answer: 'ready', detail: 'listening; psql is missing, so not queried' };
  parsed.pathname = '/postgres';
  // A server that is starting up refuses for a few seconds; a wrong password refuses at once.
  for (let attempt = 0; ; attempt++) {
    const r = run('psql', [parsed.toString(), '-w', '-qtAc', 'SELECT 1'], { PGCONNECT_TIMEOUT: '5' });
    if (r.status === 0 && r.stdout.trim() === '1') return { answer: 'ready' };
    const detail = r.stderr.trim().split('\n')[0]?.replace(/^psql: (error: )?/, '') || `psql exited ${r.status}`;
    if (!/starting up|shutting down|in recovery/.test(detail) || attempt >= 15) return { answer: 'refused', detail };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export function listening(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `preferred` when it is free on 127.0.0.1, else the next free one of the 20 after it, else any. */
export async function freePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 20; port++) if (await canBind(port)) return port;
  return canBind(0);
}

function canBind(port: number): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function debianClusters(): string[] {
  const dir = '/etc/postgresql';
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((v) => existsSync(`${dir}/${v}/main/postgresql.conf`));
}

function aptListsEmpty(): boolean {
  const dir = '/var/lib/apt/lists';
  return !existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'));
}

function aptCandidate(pkg: string): boolean {
  return hasCandidate(run('apt-cache', ['policy', pkg]).stdout);
}

export function commandExists(name: string): boolean {
  return run('sh', ['-c', `command -v ${name}`]).status === 0;
}

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...extraEnv }, timeout: 120_000 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

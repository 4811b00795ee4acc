// The set-up's Java, Maven and PostgreSQL step, and the embedded server's controls.
//   node scripts/setup/main.mts toolchain                  probe, decide, install or start what is missing
//                                                          (SETUP_DRY_RUN=1: print the commands instead)
//   node scripts/setup/main.mts embedded-pg start [PORT]   start the embedded server (default :54329, or its last port)
//   node scripts/setup/main.mts embedded-pg stop|status
// scripts/setup.sh runs the first; scripts/embedded-pg.sh the others.
import { dirname, join, resolve } from 'node:path';
import { applyActions } from './apply.mts';
import { planToolchain } from './decide.mts';
import { EMBEDDED_PG_DEFAULT_PORT, EMBEDDED_PG_MAJOR, embeddedLayout, embeddedState, removeEnvFile, startEmbedded, stopEmbedded, writeEnvFile } from './embedded-pg.mts';
import { probeMachine } from './probe.mts';

const root = process.env.MLOPS_ROOT ?? resolve(dirname(process.argv[1] ?? '.'), '..', '..');
const layout = embeddedLayout(process.env.MLOPS_CACHE ?? join(root, '.cache'));
const say = (line: string) => console.log(`[setup] ${line}`);

async function toolchain(): Promise<number> {
  const dryRun = process.env.SETUP_DRY_RUN === '1';
  const probe = await probeMachine({ env: process.env, layout, mayUpdateApt: !dryRun, embeddedPort: EMBEDDED_PG_DEFAULT_PORT });
  const plan = planToolchain(probe);
  for (const note of plan.notes) say(note);
  if (plan.problems.length > 0) {
    for (const problem of plan.problems) console.error(`[setup] ${problem}`);
    return 1;
  }
  await applyActions(plan.actions, { root, layout, env: process.env, dryRun, say });
  return 0;
}

function embeddedPg(command: string | undefined, portArg: string | undefined): number {
  const log = (line: string) => console.log(`[embedded-pg] ${line}`);
  const state = embeddedState(layout);
  switch (command) {
    case 'start': {
      const port = portArg ? Number(portArg) : state.port ?? EMBEDDED_PG_DEFAULT_PORT;
      const result = startEmbedded(layout, port, log);
      writeEnvFile(layout, result.port);
      log(`PostgreSQL ${EMBEDDED_PG_MAJOR} ${result.started ? 'started' : 'already running'} on 127.0.0.1:${result.port} (data ${layout.dataDir}); URLs in ${layout.envFile}`);
      return 0;
    }
    case 'stop':
      log(stopEmbedded(layout, log) ? 'stopped' : 'not running');
      return 0;
    case 'forget':
      stopEmbedded(layout, log);
      removeEnvFile(layout);
      log(`stopped and no longer used (data stays in ${layout.dataDir})`);
      return 0;
    case 'status':
      log(state.running ? `running on 127.0.0.1:${state.port} (data ${layout.dataDir})` : `not running${state.initialised ? ` (data ${layout.dataDir})` : ''}`);
      return state.running ? 0 : 3;
    default:
      console.error('usage: embedded-pg start [PORT] | stop | forget | status');
      return 2;
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'toolchain') return toolchain();
  if (command === 'embedded-pg') return embeddedPg(rest[0], rest[1]);
  console.error('usage: main.mts toolchain | embedded-pg start [PORT] | stop | forget | status');
  return 2;
}

main().then((code) => { process.exitCode = code; }, (err: Error) => {
  console.error(`[${process.argv[2] === 'embedded-pg' ? 'embedded-pg' : 'setup'}] ${err.message}`);
  process.exitCode = 1;
});

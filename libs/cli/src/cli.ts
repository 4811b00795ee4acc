import { GLOBAL_OPTIONS, parseCommandLine } from './args';
import { type Env, kafkaBrokers } from '@mlops/client';
import { PlatformClients } from '@mlops/client';
import { type CommandContext, type CommandNode, Output, type TextStream, buildCommandTree } from './command';
import { COMMANDS, GROUP_SUMMARIES } from './commands';
import { EXIT_OK, EXIT_USAGE, UsageError, describeError } from './errors';
import { renderCommandHelp, renderGroupHelp } from './help';

export interface CliIO {
  stdout: TextStream;
  stderr: TextStream;
  env: Env;
  /** Aborting it stops long-running commands (main.ts aborts on SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Clients to use instead of ones built from env (tests, or a host program that has them). */
  clients?: PlatformClients;
  /** Clock and timer (tests replace them). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const TREE = buildCommandTree(COMMANDS, GROUP_SUMMARIES);

/** Global options that take a value, so the word after them is not taken for a command. */
const VALUE_OPTIONS = new Set(Object.entries(GLOBAL_OPTIONS).filter(([, s]) => s.type !== 'boolean').map(([n]) => `--${n}`));

/** Splits argv into the command's node and the rest (options may come before the command words). */
export function resolveCommand(argv: string[], root: CommandNode = TREE): { node: CommandNode; rest: string[]; unknown?: string } {
  let node = root;
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') break;
    if (token.startsWith('-')) {
      rest.push(token);
      if (VALUE_OPTIONS.has(token) && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    const child = node.children.get(token);
    if (!child) {
      // A word that is not a subcommand is the command's positional, unless the node is only a group.
      if (node.command) break;
      return { node, rest: [...rest, ...argv.slice(i)], unknown: token };
    }
    node = child;
  }
  return { node, rest: [...rest, ...argv.slice(i)] };
}

function suggestion(node: CommandNode): string {
  return [...node.children.keys()].join(', ');
}

function sleeper(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
}

function context(io: CliIO, json: boolean, principal: string | undefined, correlationId: string | undefined): { ctx: CommandContext; close(): void } {
  let clients: PlatformClients | undefined;
  const metadata: Record<string, string> = {};
  const who = principal ?? io.env.MLOPS_PRINCIPAL ?? io.env.USER;
  if (who) metadata['x-principal'] = who;
  if (correlationId) metadata['x-correlation-id'] = correlationId;
  const ctx: CommandContext = {
    json,
    out: new Output(io.stdout, io.stderr),
    env: io.env,
    get clients() {
      clients ??= io.clients ?? new PlatformClients({ env: io.env, metadata });
      return clients;
    },
    kafkaBrokers: kafkaBrokers(io.env),
    signal: io.signal,
    now: io.now ?? (() => Date.now()),
    sleep: io.sleep ?? sleeper(io.signal),
  };
  // Clients handed in belong to the caller, who closes them.
  return { ctx, close: () => (io.clients ? undefined : clients?.close()) };
}

/** Runs one command line; resolves with the exit code. Never throws. */
export async function runCli(argv: string[], partial: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: new AbortController().signal, ...partial };
  const out = new Output(io.stdout, io.stderr);
  const { node, rest, unknown } = resolveCommand(argv);
  let closeClients = () => {};
  try {
    if (unknown !== undefined) {
      throw new UsageError(`unknown command "${[node.path, unknown].filter(Boolean).join(' ')}"; expected one of: ${suggestion(node)}`, node.path);
    }
    const command = node.command;
    const input = parseCommandLine(rest, command?.args, command?.options);
    if (input.flag('help')) {
      out.line(command ? renderCommandHelp(command) : renderGroupHelp(node));
      return EXIT_OK;
    }
    if (!command) {
      if (!node.path) {
        io.stderr.write(`${renderGroupHelp(node)}\n`);
        return EXIT_USAGE;
      }
      throw new UsageError(`"mlops ${node.path}" needs a command: ${suggestion(node)}`, node.path);
    }
    const { ctx, close } = context(io, input.flag('json') ?? false, input.str('principal'), input.str('correlation-id'));
    closeClients = close;
    return (await command.run(ctx, input)) ?? EXIT_OK;
  } catch (error) {
    const described = describeError(error, { kafkaBrokers: kafkaBrokers(io.env).join(',') });
    out.note(described.message);
    const helpPath = described.helpFor ?? node.path;
    if (described.exitCode === EXIT_USAGE) out.note(`Run 'mlops ${helpPath ? `${helpPath} ` : ''}--help' for usage.`);
    return described.exitCode;
  } finally {
    closeClients();
  }
}

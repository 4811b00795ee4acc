import type { ArgSpec, OptionSpec, ParsedInput } from './args';
import type { PlatformClients } from '@mlops/client';

/** Where a command writes. stdout carries the result (tables or JSON), stderr the rest. */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Output {
  constructor(
    readonly stdout: TextStream,
    readonly stderr: TextStream,
  ) {}

  /** Width to fit tables into when writing to a terminal. */
  get width(): number | undefined {
    return this.stdout.isTTY ? this.stdout.columns : undefined;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** The one JSON document of --json. */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One compact JSON document per line (streams: tail, timeline --follow). */
  jsonLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Progress and remarks for people; never part of the result. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }
}

export interface CommandContext {
  /** --json was given. */
  json: boolean;
  out: Output;
  env: Record<string, string | undefined>;
  /** gRPC clients, created on first use (commands that need none never load a proto). */
  readonly clients: PlatformClients;
  kafkaBrokers: string[];
  /** Aborted on Ctrl-C: long-running commands (tail, --follow, --wait) stop cleanly. */
  signal: AbortSignal;
  now(): number;
  /** Resolves after `ms`, or early when the signal aborts. */
  sleep(ms: number): Promise<void>;
}

export interface CommandSpec {
  /** Words after `mlops`, e.g. "deployments policy set". */
  path: string;
  summary: string;
  /** Paragraphs for --help beyond the summary. */
  description?: string;
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  examples?: string[];
  /** Returns the exit code (default 0). */
  run(ctx: CommandContext, input: ParsedInput): Promise<number | void>;
}

/** A word of the command tree: a group (`models`), a command (`models list`), or both. */
export interface CommandNode {
  word: string;
  path: string;
  summary?: string;
  command?: CommandSpec;
  children: Map<string, CommandNode>;
}

export function buildCommandTree(commands: CommandSpec[], groupSummaries: Record<string, string> = {}): CommandNode {
  const root: CommandNode = { word: 'mlops', path: '', children: new Map() };
  for (const command of commands) {
    let node = root;
    for (const word of command.path.split(' ')) {
      let child = node.children.get(word);
      if (!child) {
        const path = node.path ? `${node.path} ${word}` : word;
        child = { word, path, summary: groupSummaries[path], children: new Map() };
        node.children.set(word, child);
      }
      node = child;
    }
    if (node.command) throw new Error(`command "${command.path}" defined twice`);
    node.command = command;
    node.summary = command.summary;
  }
  return root;
}

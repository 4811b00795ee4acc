import { parseArgs } from 'node:util';
import { UsageError } from './errors';

/**
 * Declarative commands over node:util parseArgs: each command names its positional arguments
 * and options with their types; values are checked and converted here, so commands only ever
 * see well-formed input and every mistake is a UsageError (exit 2) that names the fix.
 */

export type OptionType = 'string' | 'boolean' | 'int' | 'number' | 'numbers' | 'choice';

export interface OptionSpec {
  type: OptionType;
  description: string;
  short?: string;
  /** Allowed values of a 'choice'. */
  choices?: readonly string[];
  /** Shown in help: `--limit <n>`. */
  valueName?: string;
  /** May be given more than once (strings only). */
  multiple?: boolean;
}

export interface ArgSpec {
  name: string;
  /** Default true. */
  required?: boolean;
  /** Takes all remaining positionals (last argument only). */
  variadic?: boolean;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print one JSON document instead of tables (tail and --follow: one per line)' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
  'correlation-id': { type: 'string', valueName: 'id', description: 'x-correlation-id sent with every call (to follow it later with `mlops timeline`)' },
  principal: { type: 'string', valueName: 'name', description: 'who you are for the audit log, only with MLOPS_AUTH=disabled (default MLOPS_PRINCIPAL or USER); otherwise your token says' },
};

type Value = string | boolean | number | number[] | string[];

/** What a command receives: positionals by name, options by their flag name, typed. */
export class ParsedInput {
  constructor(
    readonly args: Record<string, string | string[] | undefined>,
    readonly options: Record<string, Value | undefined>,
  ) {}

  /** A positional argument (required ones are always set). */
  arg(name: string): string {
    const value = this.args[name];
    return Array.isArray(value) ? value.join(' ') : (value ?? '');
  }

  optionalArg(name: string): string | undefined {
    const value = this.args[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** A variadic positional. */
  rest(name: string): string[] {
    const value = this.args[name];
    return Array.isArray(value) ? value : value ? [value] : [];
  }

  str(name: string): string | undefined {
    const value = this.options[name];
    return Array.isArray(value) ? String(value[value.length - 1]) : (value as string | undefined);
  }

  strs(name: string): string[] {
    const value = this.options[name];
    return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
  }

  num(name: string): number | undefined {
    return this.options[name] as number | undefined;
  }

  nums(name: string): number[] | undefined {
    return this.options[name] as number[] | undefined;
  }

  /** A boolean flag: undefined when not given, so "not given" and `--no-x` differ. */
  flag(name: string): boolean | undefined {
    return this.options[name] as boolean | undefined;
  }

  has(name: string): boolean {
    return this.options[name] !== undefined;
  }
}

function convert(name: string, spec: OptionSpec, raw: string): Value {
  const bad = (what: string) => new UsageError(`--${name} ${what}, got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw bad('must be a whole number');
      return Number(raw);
    case 'number':
      if (raw.trim() === '' || !Number.isFinite(Number(raw))) throw bad('must be a number');
      return Number(raw);
    case 'numbers': {
      const values = raw.split(',').map((s) => s.trim());
      if (values.some((v) => v === '' || !Number.isFinite(Number(v)))) throw bad('must be comma-separated numbers');
      return values.map(Number);
    }
    case 'choice':
      if (!spec.choices?.includes(raw)) throw bad(`must be one of ${spec.choices?.join(', ')}`);
      return raw;
    default:
      return raw;
  }
}

/** Node's parse errors, shortened to what the user typed wrong. */
function usageFromParseError(error: unknown): UsageError {
  const e = error as { code?: string; message?: string };
  const flag = /'(-[^' ]+)/.exec(e.message ?? '')?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${flag ?? ''}`.trim());
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(e.message ?? '')) return new UsageError(`option ${flag ?? ''} needs a value`);
    return new UsageError(`option ${flag ?? ''} takes no value`);
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`unexpected argument ${flag ?? ''}`.trim());
  return new UsageError(e.message ?? String(error));
}

function bindPositionals(specs: ArgSpec[], positionals: string[]): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  let i = 0;
  for (const spec of specs) {
    const required = spec.required ?? true;
    if (spec.variadic) {
      out[spec.name] = positionals.slice(i);
      if (required && positionals.length <= i) throw new UsageError(`missing <${spec.name}>`);
      i = positionals.length;
    } else {
      if (required && i >= positionals.length) throw new UsageError(`missing <${spec.name}>`);
      out[spec.name] = positionals[i++];
    }
  }
  if (i < positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[i])}`);
  return out;
}

/** Parses the arguments after the command words against the command's spec (and the global options). */
export function parseCommandLine(argv: string[], args: ArgSpec[] = [], options: Record<string, OptionSpec> = {}): ParsedInput {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(all)) {
    config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true, allowNegative: true });
  } catch (error) {
    throw usageFromParseError(error);
  }
  const values: Record<string, Value | undefined> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const spec = all[name];
    if (raw === undefined) continue;
    if (spec.type === 'boolean') values[name] = raw as boolean;
    else if (Array.isArray(raw)) values[name] = raw.map((r) => convert(name, spec, String(r)) as string);
    else values[name] = convert(name, spec, String(raw));
  }
  // --help must work whatever else is missing, so positionals are only bound without it.
  const bound = values.help ? {} : bindPositionals(args, parsed.positionals);
  return new ParsedInput(bound, values);
}

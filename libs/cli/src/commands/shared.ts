import type { OptionSpec } from '../args';
import type { CommandContext } from '../command';
import { UsageError } from '../errors';
import { type Column, renderTable } from '../render/table';

/** --json prints the value as is; otherwise `human` renders it for people. */
export function emit(ctx: CommandContext, value: unknown, human: () => string): void {
  if (ctx.json) ctx.out.json(value);
  else ctx.out.line(human());
}

/** A table fitted to the terminal, or `empty` when there are no rows. */
export function table(ctx: CommandContext, columns: Column[], rows: unknown[][], empty: string): string {
  return renderTable(columns, rows, { width: ctx.out.width, empty });
}

/** Blocks separated by blank lines, empty ones left out. */
export function sections(...blocks: (string | undefined | false)[]): string {
  return blocks.filter((b): b is string => typeof b === 'string' && b.length > 0).join('\n\n');
}

/** A version argument: a positive whole number. */
export function parseVersion(raw: string, what = 'version'): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`<${what}> must be a positive whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export const LIMIT_OPTION: Record<string, OptionSpec> = { limit: { type: 'int', valueName: 'n', description: 'at most this many, newest first' } };

export const REASON_OPTION: Record<string, OptionSpec> = { reason: { type: 'string', valueName: 'text', description: 'why, for the audit record' } };

/** Flags that set fields of a policy message: flag → field path in the request (dots for nesting). */
export interface FieldFlag {
  field: string;
  spec: OptionSpec;
  /** Turns the flag's value into the field's (e.g. a choice into an enum name). */
  map?: (value: unknown) => unknown;
}

/** The request fields the given flags set; flags not given stay unset (the service's defaults). */
export function fieldsFromFlags(flags: Record<string, FieldFlag>, options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const value = options[name];
    if (value === undefined) continue;
    const parts = flag.field.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]] = flag.map ? flag.map(value) : value;
  }
  return out;
}

export const flagSpecs = (flags: Record<string, FieldFlag>): Record<string, OptionSpec> =>
  Object.fromEntries(Object.entries(flags).map(([name, flag]) => [name, flag.spec]));

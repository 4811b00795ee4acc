/**
 * Field diffs of resource specs. A spec from a file is laid over the current one: fields the file
 * leaves out keep their current value, nested records (thresholds, job, gate) merge field by field,
 * while maps (tags, hyperparameters) and arrays are the file's as a whole. Arrays of named things
 * (columns, features) are compared element by element under their names.
 */

export type Spec = Record<string, unknown>;

export interface FieldChange {
  op: '+' | '-' | '~';
  /** From the spec down, e.g. `spec.columns[x2].type`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface SpecShape {
  /** Paths (dotted, from the spec) of objects that are maps: the file's keys are the whole set. */
  maps?: string[];
  /** Paths of arrays of objects with a `name`; `ordered` when their order is part of the definition. */
  named?: Record<string, { ordered: boolean }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with sorted keys, so equal content compares equal whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The spec apply writes: `current` with the file's fields laid over it. */
export function overlay(current: unknown, desired: unknown, shape: SpecShape = {}, path = ''): unknown {
  if (desired === undefined) return current;
  if (!isRecord(desired) || !isRecord(current) || shape.maps?.includes(path)) return desired;
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(desired)) out[key] = overlay(current[key], value, shape, join(path, key));
  return out;
}

function namedDiff(current: unknown[], next: unknown[], path: string, ordered: boolean, out: FieldChange[]): void {
  const nameOf = (v: unknown) => (isRecord(v) ? String(v.name) : canonical(v));
  const before = new Map(current.map((v) => [nameOf(v), v]));
  const after = new Map(next.map((v) => [nameOf(v), v]));
  for (const [name, value] of before) if (!after.has(name)) out.push({ op: '-', path: `${path}[${name}]`, from: value });
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === undefined) out.push({ op: '+', path: `${path}[${name}]`, to: value });
    else walk(old, value, {}, `${path}[${name}]`, out);
  }
  const common = (names: string[], other: Map<string, unknown>) => names.filter((n) => other.has(n));
  const oldOrder = common([...before.keys()], after);
  const newOrder = common([...after.keys()], before);
  if (ordered && !same(oldOrder, newOrder)) out.push({ op: '~', path: `${path} (order)`, from: oldOrder, to: newOrder });
}

function walk(current: unknown, next: unknown, shape: SpecShape, path: string, out: FieldChange[]): void {
  if (same(current, next)) return;
  if (current === undefined) return void out.push({ op: '+', path, to: next });
  if (next === undefined) return void out.push({ op: '-', path, from: current });
  const named = shape.named?.[path];
  if (named && Array.isArray(current) && Array.isArray(next)) return namedDiff(current, next, path, named.ordered, out);
  if (isRecord(current) && isRecord(next)) {
    for (const key of new Set([...Object.keys(current), ...Object.keys(next)])) walk(current[key], next[key], shape, join(path, key), out);
    return;
  }
  out.push({ op: '~', path, from: current, to: next });
}

/** What changes from `current` (undefined: the resource does not exist) to `next`, field by field. */
export function specDiff(current: Spec | undefined, next: Spec, shape: SpecShape = {}): FieldChange[] {
  const out: FieldChange[] = [];
  walk(current ?? {}, next, shape, '', out);
  return out.map((c) => ({ ...c, path: `spec.${c.path}` }));
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : canonical(v));

/** `~ spec.thresholds.maxErrorRate: 0.01 → 0.005` */
export function renderChange(c: FieldChange): string {
  if (c.op === '+') return `+ ${c.path}: ${show(c.to)}`;
  if (c.op === '-') return `- ${c.path}: ${show(c.from)}`;
  return `~ ${c.path}: ${show(c.from)} → ${show(c.to)}`;
}

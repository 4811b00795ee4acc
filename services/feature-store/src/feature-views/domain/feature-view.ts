import { canonicalJson } from '@mlops/persistence';
import { type CompiledExpression, compileExpression, validateColumns } from './expression';

/** How one feature is computed from a record of the source dataset. */
export type Transform =
  | { kind: 'column'; column: string }
  | { kind: 'expression'; expr: string }
  | { kind: 'bucketize'; column: string; boundaries: number[] }
  | { kind: 'oneHot'; column: string; categories: string[] }
  | { kind: 'window'; column: string; fn: AggregateFn; windowSeconds: number };

export type AggregateFn = 'count' | 'sum' | 'mean' | 'min' | 'max';

export interface FeatureSpec {
  name: string;
  transform: Transform;
}

export interface FeatureViewSpec {
  name: string;
  sourceDataset: string;
  features: FeatureSpec[];
  ttlSeconds: number;
  description: string;
}

export interface FeatureView extends FeatureViewSpec {
  version: number;
  entityColumn: string;
  featureNames: string[];
  createdAt: Date;
}

/** What the view needs to know about its source dataset's columns. */
export interface SourceSchema {
  entityColumn: string;
  eventTimeColumn: string;
  labelColumn: string;
  columns: { name: string; type: 'float' | 'int' | 'string' | 'bool' | 'timestamp' }[];
}

const VIEW_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const FEATURE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_WINDOW_SECONDS = 366 * 24 * 3600;

/** Output names in order: a one-hot feature expands to <name>__<category>. */
export function featureNames(features: FeatureSpec[]): string[] {
  return features.flatMap((f) => (f.transform.kind === 'oneHot' ? f.transform.categories.map((c) => `${f.name}__${c}`) : [f.name]));
}

/** Everything wrong with a view definition against its source schema, naming the feature. */
export function viewProblems(spec: FeatureViewSpec, source: SourceSchema): string[] {
  const problems: string[] = [];
  if (!VIEW_NAME.test(spec.name)) problems.push(`view name "${spec.name}" must match ${VIEW_NAME.source}`);
  if (spec.features.length === 0) problems.push('a view needs at least one feature');
  if (spec.ttlSeconds < 0) problems.push('ttl_seconds must not be negative');
  const numeric = new Set(source.columns.filter((c) => c.type === 'float' || c.type === 'int' || c.type === 'bool').map((c) => c.name));
  const all = new Set(source.columns.map((c) => c.name));
  const types = new Map(source.columns.map((c) => [c.name, c.type]));
  for (const feature of spec.features) {
    const at = `feature "${feature.name}"`;
    if (!FEATURE_NAME.test(feature.name)) problems.push(`${at}: name must match ${FEATURE_NAME.source}`);
    problems.push(...transformProblems(feature.transform, numeric, all, types).map((p) => `${at}: ${p}`));
  }
  const names = featureNames(spec.features);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) problems.push(`feature name "${repeated}" is used twice`);
  return problems;
}

function transformProblems(t: Transform, numeric: Set<string>, all: Set<string>, types: Map<string, string>): string[] {
  const column = (name: string, needNumeric: boolean): string[] => {
    if (!all.has(name)) return [`column "${name}" is not in the dataset`];
    if (needNumeric && !numeric.has(name)) return [`column "${name}" is not numeric`];
    return [];
  };
  switch (t.kind) {
    case 'column':
      return column(t.column, false);
    case 'expression':
      try {
        return validateColumns(compileExpression(t.expr), numeric, all);
      } catch (error) {
        return [`invalid expression: ${(error as Error).message}`];
      }
    case 'bucketize':
      if (t.boundaries.length === 0 || t.boundaries.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= t.boundaries[i - 1]))) {
        return [...column(t.column, true), 'boundaries must be finite and strictly increasing'];
      }
      return column(t.column, true);
    case 'oneHot':
      if (types.has(t.column) && types.get(t.column) !== 'string') return [`column "${t.column}" is not a string column`];
      if (t.categories.length === 0 || new Set(t.categories).size !== t.categories.length) return [...column(t.column, false), 'categories must be non-empty and distinct'];
      if (t.categories.some((c) => !/^[A-Za-z0-9_]{1,40}$/.test(c))) return ['categories must be 1 to 40 characters of A-Z a-z 0-9 _ (they name features)'];
      return column(t.column, false);
    case 'window':
      if (!Number.isInteger(t.windowSeconds) || t.windowSeconds <= 0 || t.windowSeconds > MAX_WINDOW_SECONDS) return [`window_seconds must be a whole number from 1 to ${MAX_WINDOW_SECONDS}`];
      return t.fn === 'count' && !t.column ? [] : column(t.column, true);
  }
}

/** Two definitions are the same version when they compute the same features the same way. */
export function sameDefinition(a: FeatureViewSpec, b: FeatureViewSpec): boolean {
  const key = (s: FeatureViewSpec) => canonicalJson([s.sourceDataset, s.ttlSeconds, s.description, s.features]);
  return key(a) === key(b);
}

export type { CompiledExpression };

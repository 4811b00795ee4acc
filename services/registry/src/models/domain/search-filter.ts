/**
 * MLflow's registry search grammars. Registered models (search_registered_models):
 * `name = 'x'`, `name LIKE '%x%'`, `name ILIKE ...`, `tags.k = 'v'`. Model versions
 * (search_model_versions): `name = 'x'`, `name IN ('a', 'b')`, `version_number > 2`,
 * `run_id = '..'`, `run_id IN (...)`, `source_path LIKE ...`, `tags.k = 'v'`. Clauses are
 * joined with AND (OR is not MLflow's either). order_by terms: `<field> [ASC|DESC]`.
 */
import { FilterError, type Identifier, type Token, TokenStream } from './filter-tokens';

export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
export type ModelField = 'name' | 'tag';
export type VersionField = 'name' | 'version_number' | 'run_id' | 'source_path' | 'tag';
export type ModelOrderField = 'name' | 'creation_timestamp' | 'last_updated_timestamp';
export type VersionOrderField = 'name' | 'version_number' | 'creation_timestamp' | 'last_updated_timestamp';

export interface SearchClause<F extends string> {
  field: F;
  /** The tag's key (tags only). */
  key?: string;
  comparator: Comparator;
  /** A string (or LIKE pattern), an integer (version_number), or a list of either (IN, NOT IN). */
  value: string | number | string[] | number[];
}

export interface SearchOrder<F extends string> {
  field: F;
  descending: boolean;
}

interface FieldRule {
  type: 'string' | 'integer';
  comparators: readonly Comparator[];
}

interface Grammar<F extends string, O extends string> {
  /** "registered models" or "model versions", for messages. */
  what: string;
  fields: Record<Exclude<F, 'tag'>, FieldRule>;
  orderFields: readonly O[];
  /** When no order_by is given. */
  defaultOrder: SearchOrder<O>[];
  /** Appended (unless named) so that the order is total and pages never overlap. */
  tieBreakers: SearchOrder<O>[];
}

export const MAX_FILTER_LENGTH = 4000;
export const MAX_CLAUSES = 20;
export const MAX_LIST_VALUES = 200;
export const MAX_ORDER_TERMS = 5;

const EQUALITY: readonly Comparator[] = ['=', '!='];
const PATTERN: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const LISTS: readonly Comparator[] = ['IN', 'NOT IN'];
const NUMERIC: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const TAG: FieldRule = { type: 'string', comparators: PATTERN };
const ATTRIBUTE_PREFIXES = ['attribute', 'attributes', 'attr'];
const TAG_PREFIXES = ['tags', 'tag'];
/** MLflow takes `timestamp` for last_updated_timestamp in order_by. */
const ORDER_ALIASES: Record<string, string> = { timestamp: 'last_updated_timestamp' };
const MAX_VERSION = 2_147_483_647;

export const MODEL_GRAMMAR: Grammar<ModelField, ModelOrderField> = {
  what: 'registered models',
  fields: { name: { type: 'string', comparators: PATTERN } },
  orderFields: ['name', 'creation_timestamp', 'last_updated_timestamp'],
  defaultOrder: [{ field: 'name', descending: false }],
  tieBreakers: [{ field: 'name', descending: false }],
};

export const VERSION_GRAMMAR: Grammar<VersionField, VersionOrderField> = {
  what: 'model versions',
  fields: {
    name: { type: 'string', comparators: [...PATTERN, ...LISTS] },
    version_number: { type: 'integer', comparators: [...NUMERIC, ...LISTS] },
    run_id: { type: 'string', comparators: [...EQUALITY, 'LIKE', 'ILIKE', ...LISTS] },
    source_path: { type: 'string', comparators: PATTERN },
  },
  orderFields: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
  defaultOrder: [{ field: 'last_updated_timestamp', descending: true }],
  tieBreakers: [
    { field: 'name', descending: false },
    { field: 'version_number', descending: true },
  ],
};

export const parseModelFilter = (filter: string) => parseFilter(MODEL_GRAMMAR, filter);
export const parseModelOrder = (terms: string[]) => parseOrder(MODEL_GRAMMAR, terms);
export const parseVersionFilter = (filter: string) => parseFilter(VERSION_GRAMMAR, filter);
export const parseVersionOrder = (terms: string[]) => parseOrder(VERSION_GRAMMAR, terms);

export function parseFilter<F extends string, O extends string>(grammar: Grammar<F, O>, filter: string): SearchClause<F>[] {
  if (filter.length > MAX_FILTER_LENGTH) throw new FilterError(`filter is ${filter.length} characters long, more than ${MAX_FILTER_LENGTH}`);
  const tokens = new TokenStream(filter);
  if (tokens.done()) return [];
  const clauses = [parseClause(grammar, tokens)];
  while (!tokens.done()) {
    if (!tokens.keyword('AND')) tokens.fail('expected AND between clauses (OR is not supported)');
    if (clauses.length >= MAX_CLAUSES) tokens.fail(`a filter takes at most ${MAX_CLAUSES} clauses`);
    clauses.push(parseClause(grammar, tokens));
  }
  return clauses;
}

/** The order asked (or the default), ending with the grammar's tie-breakers. */
export function parseOrder<F extends string, O extends string>(grammar: Grammar<F, O>, terms: string[]): SearchOrder<O>[] {
  if (terms.length > MAX_ORDER_TERMS) throw new FilterError(`order_by takes at most ${MAX_ORDER_TERMS} terms, got ${terms.length}`);
  const order = terms.length > 0 ? terms.map((term) => parseOrderTerm(grammar, term)) : [...grammar.defaultOrder];
  const seen = new Set<string>();
  for (const o of order) {
    if (seen.has(o.field)) throw new FilterError(`order_by names ${o.field} twice`);
    seen.add(o.field);
  }
  return [...order, ...grammar.tieBreakers.filter((t) => !seen.has(t.field))];
}

function parseOrderTerm<F extends string, O extends string>(grammar: Grammar<F, O>, term: string): SearchOrder<O> {
  const usage = `expected one of ${grammar.orderFields.join(', ')}, then ASC or DESC`;
  const tokens = new TokenStream(term);
  if (tokens.done()) tokens.fail(usage);
  const id = tokens.identifier();
  const field = (ORDER_ALIASES[id.key] ?? id.key) as O;
  if ((id.entity !== undefined && !ATTRIBUTE_PREFIXES.includes(id.entity)) || !grammar.orderFields.includes(field)) {
    throw new FilterError(`cannot order ${grammar.what} by "${term.trim()}": ${usage}`);
  }
  const descending = tokens.keyword('DESC');
  if (!descending) tokens.keyword('ASC');
  if (!tokens.done()) tokens.fail(usage);
  return { field, descending };
}

function parseClause<F extends string, O extends string>(grammar: Grammar<F, O>, tokens: TokenStream): SearchClause<F> {
  const id = tokens.identifier();
  const { field, key, rule } = fieldOf(grammar, id);
  const what = field === 'tag' ? `tag "${key}"` : field;
  const at = tokens.peek();
  const comparator = parseComparator(tokens);
  if (!rule.comparators.includes(comparator)) tokens.fail(`${what} takes ${rule.comparators.join(' ')}, not ${comparator}`, at);
  const value = LISTS.includes(comparator) ? parseList(tokens, rule, what) : parseValue(tokens, rule, what);
  return key === undefined ? { field, comparator, value } : { field, key, comparator, value };
}

function fieldOf<F extends string, O extends string>(grammar: Grammar<F, O>, id: Identifier): { field: F; key?: string; rule: FieldRule } {
  if (id.entity !== undefined && TAG_PREFIXES.includes(id.entity)) return { field: 'tag' as F, key: id.key, rule: TAG };
  const names = Object.keys(grammar.fields);
  const known = `${names.join(', ')}; tags need tags.<key>`;
  if (id.entity !== undefined && !ATTRIBUTE_PREFIXES.includes(id.entity)) throw new FilterError(`unknown entity "${id.entity}" in "${id.token.text}" for ${grammar.what} (${known})`);
  const rule = (grammar.fields as Record<string, FieldRule>)[id.key];
  if (!rule) throw new FilterError(`unknown attribute "${id.key}" for ${grammar.what} (${known})`);
  return { field: id.key as F, rule };
}

function parseComparator(tokens: TokenStream): Comparator {
  const t = tokens.peek();
  if (t?.kind === 'op') {
    tokens.next();
    return t.text as Comparator;
  }
  for (const word of ['LIKE', 'ILIKE', 'IN'] as const) if (tokens.keyword(word)) return word;
  if (tokens.keyword('NOT')) {
    if (tokens.keyword('IN')) return 'NOT IN';
    tokens.fail('expected IN after NOT');
  }
  return tokens.fail('expected a comparator (= != < > <= >= LIKE ILIKE IN NOT IN)');
}

function parseValue(tokens: TokenStream, rule: FieldRule, what: string): string | number {
  return valueOf(tokens, tokens.next(), rule, what);
}

function valueOf(tokens: TokenStream, t: Token | undefined, rule: FieldRule, what: string): string | number {
  if (rule.type === 'integer') {
    if (t?.kind === 'number' && Number.isInteger(t.value) && t.value >= 0 && t.value <= MAX_VERSION) return t.value;
    return tokens.fail(`${what} must be compared with a whole number from 0 to ${MAX_VERSION}`, t);
  }
  if (t?.kind === 'string' && t.quote !== '`') return t.text;
  return tokens.fail(`${what} must be compared with a quoted string`, t);
}

function parseList(tokens: TokenStream, rule: FieldRule, what: string): string[] | number[] {
  const open = tokens.next();
  if (open?.kind !== 'punct' || open.text !== '(') tokens.fail(`${what} IN takes a list such as ('a', 'b')`, open);
  const values: (string | number)[] = [];
  for (;;) {
    if (values.length >= MAX_LIST_VALUES) tokens.fail(`a list takes at most ${MAX_LIST_VALUES} values`);
    values.push(valueOf(tokens, tokens.next(), rule, what));
    const after = tokens.next();
    if (after?.kind === 'punct' && after.text === ')') return values as string[] | number[];
    if (after?.kind !== 'punct' || after.text !== ',') tokens.fail('expected , or ) in the list', after);
  }
}

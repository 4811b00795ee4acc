/**
 * MLflow's run search (mlflow.search_runs): `metrics.accuracy > 0.9 and params.C = '1' and
 * tags.`team name` = 'x' and attributes.status = 'FINISHED' and attributes.run_id IN ('a', 'b')`,
 * and order_by terms like `metrics.accuracy DESC`. Entities may be singular (metric., param.,
 * tag., attribute.); a bare name is an attribute, as in MLflow.
 */
import { FilterError, type Identifier, TokenStream } from './filter-tokens';

export { FilterError } from './filter-tokens';

export type Entity = 'metrics' | 'params' | 'tags' | 'attributes';
export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface Clause {
  entity: Entity;
  key: string;
  comparator: Comparator;
  /** A number, a string, or (IN and NOT IN) a list of strings. */
  value: number | string | string[];
}

export interface OrderTerm {
  entity: Entity;
  key: string;
  descending: boolean;
}

export const STRING_ATTRIBUTES = ['status', 'run_name', 'run_id', 'user_id'] as const;
export const NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
export const ATTRIBUTES = [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

const ENTITY_ALIASES: Record<string, Entity> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  parameters: 'params',
  parameter: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};
const NUMERIC_COMPARATORS: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_ATTRIBUTE_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const MAX_FILTER = 2000;
/** Each clause is a join in the search query: a filter takes at most this many. */
export const MAX_CLAUSES = 20;
/** order_by terms per search, and characters per term. */
export const MAX_ORDER_TERMS = 10;
const MAX_ORDER_TERM = 300;

export function parseFilter(filter: string): Clause[] {
  if (!filter.trim()) return [];
  if (filter.length > MAX_FILTER) throw new FilterError(`filter is longer than ${MAX_FILTER} characters`);
  const tokens = new TokenStream(filter);
  const clauses = [parseClause(tokens)];
  while (!tokens.done()) {
    if (!tokens.keyword('AND')) tokens.fail('expected AND between clauses (OR is not supported)');
    if (clauses.length >= MAX_CLAUSES) throw new FilterError(`a filter takes at most ${MAX_CLAUSES} clauses`);
    clauses.push(parseClause(tokens));
  }
  return clauses;
}

export function parseOrderBy(terms: string[]): OrderTerm[] {
  if (terms.length > MAX_ORDER_TERMS) throw new FilterError(`order_by takes at most ${MAX_ORDER_TERMS} terms, got ${terms.length}`);
  return terms.map((term) => {
    if (term.length > MAX_ORDER_TERM) throw new FilterError(`an order_by term is ${term.length} characters long, more than ${MAX_ORDER_TERM}`);
    const tokens = new TokenStream(term);
    if (tokens.done()) tokens.fail('expected <entity>.<key> [ASC|DESC]');
    const { entity, key } = entityOf(tokens.identifier());
    const descending = tokens.keyword('DESC');
    if (!descending) tokens.keyword('ASC');
    if (!tokens.done()) tokens.fail('expected <entity>.<key> [ASC|DESC]');
    return { entity, key, descending };
  });
}

function parseClause(tokens: TokenStream): Clause {
  const { entity, key } = entityOf(tokens.identifier());
  const comparator = parseComparator(tokens);
  const value = parseValue(tokens, comparator);
  const problem = clauseProblem(entity, key, comparator, value);
  if (problem) throw new FilterError(problem);
  return { entity, key, comparator, value };
}

function entityOf(id: Identifier): { entity: Entity; key: string } {
  if (id.entity === undefined) {
    if (!isAttribute(id.key)) throw new FilterError(`unknown attribute "${id.key}" (${ATTRIBUTES.join(', ')}); metrics, params and tags need their prefix, e.g. metrics.${id.key}`);
    return { entity: 'attributes', key: id.key };
  }
  const entity = ENTITY_ALIASES[id.entity];
  if (!entity) throw new FilterError(`unknown entity "${id.entity}" (metrics, params, tags, attributes)`);
  if (entity === 'attributes' && !isAttribute(id.key)) throw new FilterError(`unknown attribute "${id.key}" (${ATTRIBUTES.join(', ')})`);
  return { entity, key: id.key };
}

/** = != < > <= >=, LIKE, ILIKE, IN, NOT IN. */
export function parseComparator(tokens: TokenStream): Comparator {
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

/** A quoted string or a number; after IN, a parenthesized list of quoted strings. */
export function parseValue(tokens: TokenStream, comparator: Comparator): number | string | string[] {
  if (comparator === 'IN' || comparator === 'NOT IN') return parseList(tokens);
  const t = tokens.next();
  if (t?.kind === 'string' && t.quote !== '`') return t.text;
  if (t?.kind === 'number') return t.value;
  return tokens.fail('expected a number or a quoted string', t);
}

function parseList(tokens: TokenStream): string[] {
  const open = tokens.next();
  if (open?.kind !== 'punct' || open.text !== '(') tokens.fail("expected a list such as ('a', 'b')", open);
  const values: string[] = [];
  for (;;) {
    const t = tokens.next();
    if (t?.kind !== 'string' || t.quote === '`') tokens.fail('expected a quoted string in the list', t);
    values.push(t.text);
    const after = tokens.next();
    if (after?.kind === 'punct' && after.text === ')') return values;
    if (after?.kind !== 'punct' || after.text !== ',') tokens.fail('expected , or ) in the list', after);
  }
}

function clauseProblem(entity: Entity, key: string, comparator: Comparator, value: Clause['value']): string | undefined {
  const isList = Array.isArray(value);
  if (entity === 'metrics' || (entity === 'attributes' && isNumericAttribute(key))) {
    const what = entity === 'metrics' ? `metric "${key}"` : `attribute "${key}"`;
    if (typeof value !== 'number') return `${what} must be compared with a number`;
    if (!NUMERIC_COMPARATORS.includes(comparator)) return `${what} takes ${NUMERIC_COMPARATORS.join(' ')}, not ${comparator}`;
    return undefined;
  }
  if (entity === 'attributes') {
    if (!STRING_ATTRIBUTE_COMPARATORS.includes(comparator)) return `attribute "${key}" takes ${STRING_ATTRIBUTE_COMPARATORS.join(', ')}, not ${comparator}`;
    if (typeof value === 'number') return `attribute "${key}" must be compared with a quoted string`;
    return undefined;
  }
  if (isList) return `${entity} "${key}" cannot take ${comparator}: only string attributes (${STRING_ATTRIBUTES.join(', ')}) take lists`;
  if (typeof value !== 'string') return `${entity} "${key}" must be compared with a quoted string`;
  return undefined;
}

const isAttribute = (key: string): key is Attribute => (ATTRIBUTES as readonly string[]).includes(key);
const isNumericAttribute = (key: string) => (NUMERIC_ATTRIBUTES as readonly string[]).includes(key);

/**
 * MLflow's experiment search (mlflow.search_experiments): `name LIKE 'churn%' and
 * tags.`team name` = 'risk' and creation_time > 1700000000000`, and order_by terms like
 * `last_update_time DESC`. Same tokens as the run search; attributes may carry `attribute.`.
 */
import { FilterError, type Identifier, TokenStream } from './filter-tokens';
import { type Comparator, parseComparator, parseValue } from './run-filter';

export type ExperimentField = 'name' | 'creation_time' | 'last_update_time' | 'tags';
export type ExperimentOrderField = 'name' | 'creation_time' | 'last_update_time' | 'experiment_id';

export interface ExperimentClause {
  field: ExperimentField;
  /** The tag's key (tags only). */
  key?: string;
  comparator: Comparator;
  /** Milliseconds for the times, a string (or LIKE pattern) for name and tags. */
  value: number | string;
}

export interface ExperimentOrder {
  field: ExperimentOrderField;
  descending: boolean;
}

const ATTRIBUTE_PREFIXES = ['attribute', 'attributes', 'attr'];
const TAG_PREFIXES = ['tags', 'tag'];
const TIME_COMPARATORS: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const ORDER_FIELDS: readonly ExperimentOrderField[] = ['name', 'creation_time', 'last_update_time', 'experiment_id'];
const MAX_FILTER = 2000;

/** MLflow's default: newest first. */
export const DEFAULT_EXPERIMENT_ORDER: ExperimentOrder[] = [{ field: 'creation_time', descending: true }];

export function parseExperimentFilter(filter: string): ExperimentClause[] {
  if (!filter.trim()) return [];
  if (filter.length > MAX_FILTER) throw new FilterError(`filter is longer than ${MAX_FILTER} characters`);
  const tokens = new TokenStream(filter);
  const clauses = [parseClause(tokens)];
  while (!tokens.done()) {
    if (!tokens.keyword('AND')) tokens.fail('expected AND between clauses (OR is not supported)');
    clauses.push(parseClause(tokens));
  }
  return clauses;
}

/** The order asked (default newest first), always ending with experiment_id so that it is total. */
export function parseExperimentOrderBy(terms: string[]): ExperimentOrder[] {
  const order = terms.length > 0 ? terms.map(parseOrderTerm) : [...DEFAULT_EXPERIMENT_ORDER];
  const seen = new Set<string>();
  for (const o of order) {
    if (seen.has(o.field)) throw new FilterError(`order_by names ${o.field} twice`);
    seen.add(o.field);
  }
  if (!seen.has('experiment_id')) order.push({ field: 'experiment_id', descending: false });
  return order;
}

function parseOrderTerm(term: string): ExperimentOrder {
  const tokens = new TokenStream(term);
  if (tokens.done()) tokens.fail(`expected one of ${ORDER_FIELDS.join(', ')} [ASC|DESC]`);
  const id = tokens.identifier();
  const field = id.key as ExperimentOrderField;
  if ((id.entity !== undefined && !ATTRIBUTE_PREFIXES.includes(id.entity)) || !ORDER_FIELDS.includes(field)) {
    throw new FilterError(`cannot order experiments by "${term.trim()}": use ${ORDER_FIELDS.join(', ')}`);
  }
  const descending = tokens.keyword('DESC');
  if (!descending) tokens.keyword('ASC');
  if (!tokens.done()) tokens.fail(`expected one of ${ORDER_FIELDS.join(', ')} [ASC|DESC]`);
  return { field, descending };
}

function parseClause(tokens: TokenStream): ExperimentClause {
  const { field, key } = fieldOf(tokens.identifier());
  const comparator = parseComparator(tokens);
  const isTime = field === 'creation_time' || field === 'last_update_time';
  const allowed = isTime ? TIME_COMPARATORS : STRING_COMPARATORS;
  const what = field === 'tags' ? `tag "${key}"` : field;
  if (!allowed.includes(comparator)) throw new FilterError(`${what} takes ${allowed.join(' ')}, not ${comparator}`);
  const value = parseValue(tokens, comparator) as number | string;
  if (isTime && typeof value !== 'number') throw new FilterError(`${field} must be compared with a number (Unix epoch milliseconds)`);
  if (!isTime && typeof value !== 'string') throw new FilterError(`${what} must be compared with a quoted string`);
  return key === undefined ? { field, comparator, value } : { field, key, comparator, value };
}

function fieldOf(id: Identifier): { field: ExperimentField; key?: string } {
  if (id.entity !== undefined && TAG_PREFIXES.includes(id.entity)) return { field: 'tags', key: id.key };
  if (id.entity !== undefined && !ATTRIBUTE_PREFIXES.includes(id.entity)) throw new FilterError(`unknown entity "${id.entity}" (attribute, tags)`);
  if (id.key === 'name' || id.key === 'creation_time' || id.key === 'last_update_time') return { field: id.key };
  throw new FilterError(`unknown experiment attribute "${id.key}" (name, creation_time, last_update_time; tags need tags.<key>)`);
}

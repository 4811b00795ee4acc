/**
 * MLflow-style run search: `metrics.accuracy > 0.9 and params.C = '1' and tags.team = 'x'
 * and attributes.status = 'FINISHED'`, and order_by terms like `metrics.accuracy DESC`.
 * Parsed into clauses the repository turns into parameterized SQL: nothing from the filter text
 * is ever spliced into a query.
 */
export type Entity = 'metrics' | 'params' | 'tags' | 'attributes';
export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE';

export interface Clause {
  entity: Entity;
  key: string;
  comparator: Comparator;
  value: number | string;
}

export interface OrderTerm {
  entity: Entity;
  key: string;
  descending: boolean;
}

export const ATTRIBUTES = ['status', 'run_name', 'start_time', 'end_time', 'run_id'] as const;
const ENTITY_ALIASES: Record<string, Entity> = { metrics: 'metrics', metric: 'metrics', params: 'params', param: 'params', tags: 'tags', tag: 'tags', attributes: 'attributes', attribute: 'attributes', attr: 'attributes' };
const CLAUSE = /^\s*([a-z]+)\.(`[^`]+`|"[^"]+"|[A-Za-z0-9_.\-/]+)\s*(!=|>=|<=|=|>|<|LIKE)\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

export function parseFilter(filter: string): Clause[] {
  if (!filter.trim()) return [];
  if (filter.length > 2000) throw new FilterError('filter is longer than 2000 characters');
  return splitOnAnd(filter).map(parseClause);
}

function parseClause(text: string): Clause {
  const match = CLAUSE.exec(text);
  if (!match) throw new FilterError(`cannot parse "${text.trim()}": expected <metrics|params|tags|attributes>.<key> <op> <value>`);
  const entity = ENTITY_ALIASES[match[1].toLowerCase()];
  if (!entity) throw new FilterError(`unknown entity "${match[1]}" (metrics, params, tags, attributes)`);
  const key = unquote(match[2]);
  const comparator = match[3].toUpperCase() as Comparator;
  const raw = match[4];
  const quoted = raw.startsWith("'") || raw.startsWith('"');
  const value = quoted ? unquote(raw) : Number(raw);
  if (entity === 'metrics' && typeof value !== 'number') throw new FilterError(`metric "${key}" must be compared with a number`);
  if ((entity === 'params' || entity === 'tags') && typeof value !== 'string') throw new FilterError(`${entity} "${key}" must be compared with a quoted string`);
  if (entity === 'attributes' && !(ATTRIBUTES as readonly string[]).includes(key)) throw new FilterError(`unknown attribute "${key}" (${ATTRIBUTES.join(', ')})`);
  if (comparator === 'LIKE' && typeof value !== 'string') throw new FilterError('LIKE needs a quoted pattern');
  return { entity, key, comparator, value };
}

export function parseOrderBy(terms: string[]): OrderTerm[] {
  return terms.map((term) => {
    const match = /^\s*([a-z]+)\.(`[^`]+`|[A-Za-z0-9_.\-/]+)\s*(ASC|DESC)?\s*$/i.exec(term);
    const entity = match && ENTITY_ALIASES[match[1].toLowerCase()];
    if (!match || !entity) throw new FilterError(`cannot parse order_by "${term}": expected <entity>.<key> [ASC|DESC]`);
    const key = unquote(match[2]);
    if (entity === 'attributes' && !(ATTRIBUTES as readonly string[]).includes(key)) throw new FilterError(`unknown attribute "${key}"`);
    return { entity, key, descending: (match[3] ?? 'ASC').toUpperCase() === 'DESC' };
  });
}

/** Splits on AND outside quotes. */
function splitOnAnd(filter: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (/\s/.test(c) && /^\s+and\s+/i.test(filter.slice(i))) {
      parts.push(filter.slice(start, i));
      i += /^\s+and\s+/i.exec(filter.slice(i))![0].length - 1;
      start = i + 1;
    }
  }
  parts.push(filter.slice(start));
  return parts;
}

function unquote(text: string): string {
  const q = text[0];
  if ((q === "'" || q === '"' || q === '`') && text.endsWith(q)) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  return text;
}

import { invalidArgument } from '@mlops/errors';

/**
 * Query-string parameters of the console's API, checked: a bad value is INVALID_ARGUMENT naming
 * the parameter and what it takes. Lists are bounded: every page has a size with a maximum.
 */

export function intParam(raw: string | undefined, name: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw invalidArgument(`${name} must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  return value;
}

export function textParam(raw: string | undefined, name: string, maxLength = 500): string {
  const value = raw ?? '';
  if (value.length > maxLength) throw invalidArgument(`${name} is longer than ${maxLength} characters`);
  return value;
}

/** A comma-separated list (e.g. run ids), at most `max` items. */
export function listParam(raw: string | undefined, name: string, max: number): string[] {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length > max) throw invalidArgument(`${name} lists ${items.length} items; at most ${max}`);
  return items;
}

export interface Page<T> {
  items: T[];
  /** Items across all pages (the list was read whole). */
  total: number;
  page: number;
  pageSize: number;
}

/** One page of a list the service returns whole (models, datasets, feature views), numbered from 1. */
export function pageOf<T>(all: T[], page: number, pageSize: number): Page<T> {
  return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
}

/** Case-insensitive "contains" filter on a name. */
export function nameMatches(name: string, query: string): boolean {
  return !query || name.toLowerCase().includes(query.toLowerCase());
}

/** The standard paging parameters of a list page: page (1-based) and page_size. */
export function pagingParams(q: { page?: string; pageSize?: string }, maxPageSize = 100): { page: number; pageSize: number } {
  return {
    page: intParam(q.page, 'page', { min: 1, max: 1_000_000, fallback: 1 }),
    pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: maxPageSize, fallback: 20 }),
  };
}

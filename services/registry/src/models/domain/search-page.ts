/**
 * Pages of the registry searches. They page by offset into the ordered matches, as MLflow's
 * own store does: the order can be by last_updated_timestamp, which every change moves, so a
 * keyset cursor would be no steadier. A token names its search (filter and order) by a digest
 * and is refused with any other; one this service never gave is INVALID_ARGUMENT.
 */
import { createHash } from 'node:crypto';
import { invalidArgument } from '@mlops/errors';

export const MAX_SEARCH_RESULTS = 1000;
export const DEFAULT_SEARCH_RESULTS = 100;
/** Deeper than this, a search should be narrowed by its filter instead. */
export const MAX_SEARCH_OFFSET = 1_000_000;

/** The page size max_results asks for: 0 means the default. */
export function searchPageSize(maxResults: number): number {
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_SEARCH_RESULTS) {
    throw invalidArgument(`max_results must be between 1 and ${MAX_SEARCH_RESULTS} (0 means ${DEFAULT_SEARCH_RESULTS}), got ${maxResults}`);
  }
  return maxResults === 0 ? DEFAULT_SEARCH_RESULTS : maxResults;
}

/** Names a search (what it searches, its clauses and order) so that its token fits no other. */
export function searchFingerprint(kind: string, clauses: unknown, order: unknown): string {
  return createHash('sha256').update(JSON.stringify([kind, clauses, order])).digest('base64url').slice(0, 16);
}

/** base64url of `<offset>.<fingerprint>`. */
export function searchPageToken(offset: number, fingerprint: string): string {
  return Buffer.from(`${offset}.${fingerprint}`).toString('base64url');
}

/** The offset a token continues at (0 for none); refused when this service never gave it or it belongs to another search. */
export function searchOffset(token: string, fingerprint: string): number {
  if (!token) return 0;
  const notOurs = invalidArgument(`page_token "${token.slice(0, 100)}" is not one this service gave`);
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Decoding skips characters outside the alphabet: only the exact encoding of a position counts.
  if (Buffer.from(text).toString('base64url') !== token) throw notOurs;
  const match = /^([1-9][0-9]{0,6})\.([A-Za-z0-9_-]{16})$/.exec(text);
  if (!match) throw notOurs;
  if (match[2] !== fingerprint) throw invalidArgument('page_token belongs to another search: give the filter and order_by of the first page');
  const offset = Number(match[1]);
  if (offset > MAX_SEARCH_OFFSET) throw invalidArgument(`page_token is past the first ${MAX_SEARCH_OFFSET} results: narrow the filter instead`);
  return offset;
}

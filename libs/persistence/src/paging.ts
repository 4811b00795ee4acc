import { invalidArgument } from '@mlops/errors';

/**
 * Paging of the services' list RPCs, newest first, one way everywhere: a page size with a
 * default and a maximum, a page token that is a keyset cursor (never an offset: a page boundary
 * does not move when rows are added meanwhile), and one row more than the page read, so that
 * whether it comes back says whether another page follows. A token this service never gave is
 * INVALID_ARGUMENT, named as such.
 */

/** The page size a `limit` asks for: 0 means the default; out of range is INVALID_ARGUMENT. */
export function pageSize(limit: number, { fallback, max }: { fallback: number; max: number }): number {
  if (!Number.isInteger(limit) || limit < 0 || limit > max) throw invalidArgument(`limit must be between 0 and ${max} (0 means ${fallback}), got ${limit}`);
  return limit === 0 ? fallback : limit;
}

/** The largest page most list RPCs answer (and their default): MLflow's bound for model searches. */
export const LIST_PAGE_MAX = 1000;

const notOurs = (token: string) => invalidArgument(`page_token "${token.slice(0, 100)}" is not one this service gave`);

/** Where the last page ended, by creation time (epoch microseconds, Postgres' precision, as digits) and id (the tie-breaker). */
export interface KeysetPosition {
  createdUs: string;
  id: string;
}

/** base64url of `<micros>.<id>`. */
export function keysetToken(position: KeysetPosition): string {
  return textToken(`${position.createdUs}.${position.id}`);
}

/** The position of a token this service gave (ids matching `idPattern`); undefined for no token. */
export function keysetOfToken(token: string, idPattern: RegExp): KeysetPosition | undefined {
  const text = textOfToken(token, /(?:0|[1-9][0-9]{0,17})\..+/);
  if (text === undefined) return undefined;
  const dot = text.indexOf('.');
  const id = text.slice(dot + 1);
  if (!new RegExp(`^(?:${idPattern.source})$`).test(id)) throw notOurs(token);
  return { createdUs: text.slice(0, dot), id };
}

/** base64url of a position written as text (a name, or fields joined): for any other keyset. */
export function textToken(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** The text of a token this service gave, which must match `pattern` whole; undefined for no token. */
export function textOfToken(token: string, pattern: RegExp): string | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Decoding skips characters outside the alphabet: only the exact encoding of a position counts.
  if (textToken(text) !== token || !new RegExp(`^(?:${pattern.source})$`, pattern.flags).test(text)) throw notOurs(token);
  return text;
}

/** For tables whose ids only grow: the last id of the page, in decimal. */
export function idToken(id: number): string {
  return String(id);
}

/** The id of a token this service gave; undefined for no token. */
export function idOfToken(token: string): number | undefined {
  if (!token) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(token) || !Number.isSafeInteger(Number(token))) throw notOurs(token);
  return Number(token);
}

/** A page from `limit + 1` rows read, and the token that continues after its last row ('' when none follows). */
export function pageFrom<R>(rows: R[], limit: number, tokenOf: (last: R) => string): { page: R[]; nextPageToken: string } {
  const page = rows.slice(0, limit);
  return { page, nextPageToken: rows.length > limit ? tokenOf(page[page.length - 1]!) : '' };
}

export const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

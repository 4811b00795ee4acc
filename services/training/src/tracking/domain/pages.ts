import { createHash } from 'node:crypto';
import { invalidArgument } from '@mlops/errors';
import { MICROS, decodePageToken, encodePageToken } from '../../paging/page-token';
import type { Clause, OrderTerm } from './run-filter';

/**
 * Page tokens of the tracking lists. Experiments page by position (the last one shown), so an
 * experiment created while a client pages does not shift the pages; run search pages by offset
 * into its ordered matches, as MLflow does, since its order can be by any metric or param.
 */
export interface ExperimentPosition {
  /** created_at of the last experiment shown, in microseconds (Postgres's precision). */
  createdMicros: string;
  name: string;
}

export function experimentsPageToken(after: ExperimentPosition): string {
  return encodePageToken({ t: after.createdMicros, n: after.name });
}

export function experimentsPosition(token: string): ExperimentPosition {
  const { t, n } = decodePageToken(token, { t: MICROS, n: /^[\x20-\x7e]{1,200}$/ });
  return { createdMicros: t, name: n };
}

/** Names a search (experiments, clauses, order) so that its token is refused by any other. */
export function searchFingerprint(experiments: readonly string[], clauses: readonly Clause[], order: readonly OrderTerm[]): string {
  const search = JSON.stringify([[...new Set(experiments)].sort(), clauses, order]);
  return createHash('sha256').update(search).digest('base64url').slice(0, 16);
}

export function searchPageToken(offset: number, fingerprint: string): string {
  return encodePageToken({ o: offset, s: fingerprint });
}

/** Offset of the page the token names; refused when it came from another search. */
export function searchOffset(token: string, fingerprint: string): number {
  const { o, s } = decodePageToken(token, { o: 'count', s: /^[A-Za-z0-9_-]{16}$/ });
  if (s !== fingerprint) throw invalidArgument('page_token belongs to another search: give the experiments, filter and order_by of the first page');
  return o;
}

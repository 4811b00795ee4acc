import { createHash } from 'node:crypto';
import { invalidArgument } from '@mlops/errors';
import { MICROS, decodePageToken, encodePageToken } from '../../paging/page-token';
import type { ExperimentOrder } from './experiment-filter';
import type { ViewType } from './run';
import type { Clause, OrderTerm } from './run-filter';

/**
 * Page tokens of the tracking lists. Experiments page by position (the last one shown, in the
 * order asked), so an experiment created while a client pages does not shift the pages; run
 * search pages by offset into its ordered matches, as MLflow does, since its order can be by any
 * metric or param.
 */
export interface ExperimentPosition {
  experimentId: string;
  /** created_at of the last experiment shown, in microseconds (Postgres's precision). */
  createdMicros: string;
  /** last_update_time, in microseconds. */
  updatedMicros: string;
  name: string;
}

/** A token names a position in one order: refused with any other. */
export function experimentsPageToken(after: ExperimentPosition, order: readonly ExperimentOrder[]): string {
  return encodePageToken({ i: after.experimentId, t: after.createdMicros, u: after.updatedMicros, n: after.name, s: digestOf(order) });
}

export function experimentsPosition(token: string, order: readonly ExperimentOrder[]): ExperimentPosition {
  const { i, t, u, n, s } = decodePageToken(token, { i: /^\d{1,18}$/, t: MICROS, u: MICROS, n: /^[\x20-\x7e]{1,200}$/, s: FINGERPRINT });
  if (s !== digestOf(order)) throw invalidArgument('page_token belongs to another order: give the order_by of the first page');
  return { experimentId: i, createdMicros: t, updatedMicros: u, name: n };
}

/** What a run search covers besides its filter and order. */
export interface SearchScope {
  experiments: readonly string[];
  experimentIds: readonly string[];
  view: ViewType;
}

/** Names a search (scope, clauses, order) so that its token is refused by any other. */
export function searchFingerprint(scope: SearchScope, clauses: readonly Clause[], order: readonly OrderTerm[]): string {
  const sorted = (names: readonly string[]) => [...new Set(names)].sort();
  return digestOf([sorted(scope.experiments), sorted(scope.experimentIds), scope.view, clauses, order]);
}

const FINGERPRINT = /^[A-Za-z0-9_-]{16}$/;

function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

export function searchPageToken(offset: number, fingerprint: string): string {
  return encodePageToken({ o: offset, s: fingerprint });
}

/** Offset of the page the token names; refused when it came from another search. */
export function searchOffset(token: string, fingerprint: string): number {
  const { o, s } = decodePageToken(token, { o: 'count', s: FINGERPRINT });
  if (s !== fingerprint) throw invalidArgument('page_token belongs to another search: give the experiments, filter and order_by of the first page');
  return o;
}

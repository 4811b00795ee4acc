import { invalidArgument } from '@mlops/errors';

/** Values per page of a metric history: MLflow's default and largest get-history page. */
export const MAX_HISTORY_PAGE = 25_000;

/** Where a page ended: step, timestamp and seq (the tie-breaker), as decimal text. */
export interface HistoryPosition {
  step: string;
  ts: string;
  seq: string;
}

/** The page size `max_results` asks for: 0 is MAX_HISTORY_PAGE; out of range is INVALID_ARGUMENT. */
export function historyPageSize(maxResults: number): number {
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_HISTORY_PAGE) {
    throw invalidArgument(`max_results must be between 1 and ${MAX_HISTORY_PAGE} (0 or unset means ${MAX_HISTORY_PAGE}), got ${maxResults}`);
  }
  return maxResults || MAX_HISTORY_PAGE;
}

/** base64url of `h1.<step>.<ts>.<seq>`. */
export function historyToken(last: { step: number; timestampMs: number; seq: string }): string {
  return Buffer.from(`h1.${last.step}.${last.timestampMs}.${last.seq}`).toString('base64url');
}

const INT = '(-?(?:0|[1-9][0-9]{0,18}))';
const TOKEN = new RegExp(`^h1\\.${INT}\\.${INT}\\.${INT}$`);

/** The position of a token this service gave; undefined for none; anything else is INVALID_ARGUMENT. */
export function historyPositionOf(token: string): HistoryPosition | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = TOKEN.exec(text);
  if (!match || Buffer.from(text).toString('base64url') !== token) throw invalidArgument(`page_token "${token.slice(0, 100)}" is not one this service gave`);
  return { step: match[1]!, ts: match[2]!, seq: match[3]! };
}

import { invalidArgument } from '@mlops/errors';
import { textOfToken, textToken } from '@mlops/persistence';

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
  return textToken(`h1.${last.step}.${last.timestampMs}.${last.seq}`);
}

const INT = '-?(?:0|[1-9][0-9]{0,18})';

/** The position of a token this service gave; undefined for none; anything else is INVALID_ARGUMENT. */
export function historyPositionOf(token: string): HistoryPosition | undefined {
  const text = textOfToken(token, new RegExp(`h1\\.${INT}\\.${INT}\\.${INT}`));
  if (text === undefined) return undefined;
  const [, step, ts, seq] = text.split('.');
  return { step: step!, ts: ts!, seq: seq! };
}

import { invalidArgument } from '@mlops/errors';

/** Where a page of alerts (newest first) ended: the last alert's raised_at in microseconds since
 * the epoch (Postgres' own precision) and its id, the tie-breaker. */
export interface AlertCursor {
  raisedAtUs: number;
  alertId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The page token: base64url of {"v":1,"m":model filter,"t":raisedAtUs,"id":alertId}. Opaque to
 * callers; it names the model filter it was given for, so that it is not used with another.
 */
export function encodeAlertPageToken(model: string, cursor: AlertCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, m: model, t: cursor.raisedAtUs, id: cursor.alertId })).toString('base64url');
}

/** The cursor of a token this service gave for the same model filter; undefined for no token. */
export function decodeAlertPageToken(model: string, token: string): AlertCursor | undefined {
  if (!token) return undefined;
  const parsed = parse(token);
  if (!parsed || parsed.v !== 1 || typeof parsed.m !== 'string' || !Number.isSafeInteger(parsed.t) || (parsed.t as number) < 0 || typeof parsed.id !== 'string' || !UUID.test(parsed.id)) {
    throw invalidArgument(`page_token "${token}" is not one this service gave`);
  }
  if (parsed.m !== model) throw invalidArgument(`page_token was given for model_name "${parsed.m}", not "${model}"`);
  return { raisedAtUs: parsed.t as number, alertId: parsed.id };
}

function parse(token: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

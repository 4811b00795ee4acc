import { invalidArgument } from '@mlops/errors';

/**
 * Page tokens: base64url of a small JSON object naming where the next page starts. Opaque to
 * callers; the service checks every field it reads back, so a token it did not give (or one of
 * another list) is refused as INVALID_ARGUMENT instead of silently paging from somewhere else.
 */

export type TokenFields = Record<string, string | number>;

export function encodePageToken(fields: TokenFields): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/**
 * The token's fields, each checked by its pattern (strings) or as a non-negative safe integer
 * (numbers); a token with other fields, or missing ones, is refused.
 */
export function decodePageToken<S extends Record<string, RegExp | 'count'>>(token: string, shape: S): { [K in keyof S]: S[K] extends 'count' ? number : string } {
  const refuse = (): never => {
    throw invalidArgument(`page_token "${token.length > 40 ? `${token.slice(0, 40)}…` : token}" is not one this service gave`);
  };
  if (!/^[A-Za-z0-9_-]+$/.test(token)) refuse();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    refuse();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) refuse();
  const fields = value as Record<string, unknown>;
  if (Object.keys(fields).sort().join() !== Object.keys(shape).sort().join()) refuse();
  for (const [name, rule] of Object.entries(shape)) {
    const field = fields[name];
    const ok = rule === 'count' ? Number.isSafeInteger(field) && (field as number) >= 0 : typeof field === 'string' && rule.test(field);
    if (!ok) refuse();
  }
  return fields as { [K in keyof S]: S[K] extends 'count' ? number : string };
}

/** Microseconds since the epoch, as Postgres keeps timestamps (JavaScript dates stop at ms). */
export const MICROS = /^\d{1,17}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Paging of the audit log: newest first, by id (ids only grow, so a page boundary never moves). */
export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

/** 0 (unset) or less means the default; more than the maximum is cut to it. */
export function auditPageSize(limit: number): number {
  return limit <= 0 ? DEFAULT_AUDIT_LIMIT : Math.min(limit, MAX_AUDIT_LIMIT);
}

/**
 * The page token is the id of the last event of the previous page, in decimal: the console's
 * merged audit trail (libs/client) continues the registry's log from an event id it shows, so
 * the format is part of the contract. Returns undefined for anything this service never gave.
 */
export function eventIdOfToken(token: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(token)) return undefined;
  const id = Number(token);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function tokenOfEventId(id: number): string {
  return String(id);
}

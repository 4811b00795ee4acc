/**
 * Paging of the rejected records, newest first, by id (ids only grow, so a page boundary never
 * moves). A page token is the id of the last record of the previous page, in decimal.
 */
export const DEFAULT_REJECTION_LIMIT = 100;
export const MAX_REJECTION_LIMIT = 1000;

/** The page size a limit asks for (0 means the default), or undefined when it is out of range. */
export function rejectionPageSize(limit: number): number | undefined {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_REJECTION_LIMIT) return undefined;
  return limit === 0 ? DEFAULT_REJECTION_LIMIT : limit;
}

/** The id a token stands for, or undefined for anything this service never gave. */
export function rejectionIdOfToken(token: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(token)) return undefined;
  const id = Number(token);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function tokenOfRejectionId(id: number): string {
  return String(id);
}

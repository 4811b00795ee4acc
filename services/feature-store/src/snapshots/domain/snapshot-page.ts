/**
 * Paging of the snapshot list, newest first. A page token is a keyset cursor: the creation time
 * (Unix epoch microseconds, Postgres' precision) and id of the last snapshot of the previous
 * page, as base64url of `<micros>.<id>`. It does not shift when snapshots are added meanwhile,
 * and the id breaks ties between snapshots made in the same microsecond.
 */
export const DEFAULT_SNAPSHOT_LIMIT = 50;
export const MAX_SNAPSHOT_LIMIT = 500;

export interface SnapshotPosition {
  /** Creation time in epoch microseconds, as digits (beyond a double's exact range for ms math). */
  createdUs: string;
  id: string;
}

const POSITION = /^(0|[1-9][0-9]{0,17})\.([0-9a-f]{32})$/;

/** The page size a limit asks for, or undefined when it is out of range. */
export function snapshotPageSize(limit: number): number | undefined {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SNAPSHOT_LIMIT) return undefined;
  return limit === 0 ? DEFAULT_SNAPSHOT_LIMIT : limit;
}

export function tokenOfPosition(position: SnapshotPosition): string {
  return Buffer.from(`${position.createdUs}.${position.id}`).toString('base64url');
}

/** The position a token stands for, or undefined for anything this service never gave. */
export function positionOfToken(token: string): SnapshotPosition | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Decoding skips characters outside the alphabet: only the exact encoding of a position counts.
  if (Buffer.from(text).toString('base64url') !== token) return undefined;
  const match = POSITION.exec(text);
  return match ? { createdUs: match[1]!, id: match[2]! } : undefined;
}

/**
 * Paging of the deployment list, newest first. A page token is a keyset cursor: the creation
 * time (Unix epoch microseconds, Postgres' precision) and id of the last deployment of the
 * previous page, as base64url of `<micros>.<uuid>`. It does not shift when deployments start
 * meanwhile, and the id breaks ties between deployments created in the same microsecond.
 */
export const DEFAULT_DEPLOYMENT_LIMIT = 50;
export const MAX_DEPLOYMENT_LIMIT = 500;

export interface DeploymentPosition {
  /** Creation time in epoch microseconds, as digits (beyond a double's exact range for ms math). */
  createdUs: string;
  id: string;
}

const POSITION = /^(0|[1-9][0-9]{0,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The page size a limit asks for, or undefined when it is out of range. */
export function deploymentPageSize(limit: number): number | undefined {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_DEPLOYMENT_LIMIT) return undefined;
  return limit === 0 ? DEFAULT_DEPLOYMENT_LIMIT : limit;
}

export function tokenOfPosition(position: DeploymentPosition): string {
  return Buffer.from(`${position.createdUs}.${position.id}`).toString('base64url');
}

/** The position a token stands for, or undefined for anything this service never gave. */
export function positionOfToken(token: string): DeploymentPosition | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Decoding skips characters outside the alphabet: only the exact encoding of a position counts.
  if (Buffer.from(text).toString('base64url') !== token) return undefined;
  const match = POSITION.exec(text);
  return match ? { createdUs: match[1]!, id: match[2]! } : undefined;
}

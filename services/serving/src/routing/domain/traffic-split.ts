/**
 * Which version answers a request, and whether it is mirrored to the other one. A request with a
 * routing key always falls in the same bucket (FNV-1a of the key), so a user stays on the
 * version they were given; buckets below the candidate's weight go to the candidate, so a key
 * that reached the candidate at 10% stays there at 25%, 50% and 100%. Without a key the bucket
 * is random. Mirroring is drawn separately and never changes who answers.
 */
export type Role = 'stable' | 'candidate' | 'shadow' | 'pinned';

export interface TrafficSplit {
  stableVersion: number;
  candidateVersion: number;
  /** Percent of traffic the candidate answers. */
  weight: number;
  /** Percent of requests also run on the other version. */
  mirrorPercent: number;
}

export interface Route {
  version: number;
  role: 'stable' | 'candidate';
  /** The other version, when this request is mirrored to it. */
  mirrorVersion?: number;
}

const BUCKETS = 10_000;

/** FNV-1a (32 bit) of a string, into one of 10,000 buckets. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

export function routeRequest(split: TrafficSplit, routingKey: string | undefined, random: () => number = Math.random): Route {
  const bucket = routingKey ? bucketOf(routingKey) : Math.floor(random() * BUCKETS);
  const toCandidate = split.stableVersion === 0 || bucket < (split.weight / 100) * BUCKETS;
  const version = toCandidate ? split.candidateVersion : split.stableVersion;
  const other = toCandidate ? split.stableVersion : split.candidateVersion;
  const mirrored = other > 0 && other !== version && split.mirrorPercent > 0 && random() * 100 < split.mirrorPercent;
  return { version, role: toCandidate ? 'candidate' : 'stable', mirrorVersion: mirrored ? other : undefined };
}

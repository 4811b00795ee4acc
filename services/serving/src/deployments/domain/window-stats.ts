/**
 * What one process measured of one version during one analysis window. Processes keep their
 * own cumulative counts and store them; the analysis merges every process's row, so replicas
 * add up. Latencies go into fixed log-spaced buckets (15% wide), which merge by addition and
 * give a p99 within one bucket of the exact value.
 */
export interface WindowStats {
  /** Inferences run (answered, or mirrored). */
  requests: number;
  /** Of those, failed on this version's side. */
  errors: number;
  /** Latency bucket counts (see LATENCY_BOUNDS_MS). */
  latency: number[];
  /** Rows compared with the other version (mirrored requests); recorded on the candidate. */
  compared: number;
  /** Compared rows whose predicted class differed. */
  divergent: number;
  /** Sum of |candidate − stable| over compared rows (regressors). */
  absDifference: number;
  /** Sum of |stable| over compared rows (regressors: the scale of the difference). */
  stableMagnitude: number;
  /** Predictions whose label arrived. */
  labelled: number;
  /** Of those, predicted the label's class. */
  correct: number;
  /** Sum of |prediction − label| (regressors). */
  absError: number;
}

const GROWTH = 1.15;
const SMALLEST_MS = 0.01;
/** Upper bounds of the latency buckets, 0.01 ms to about 2 minutes; the last bucket is open. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 118 }, (_, i) => SMALLEST_MS * GROWTH ** i);

export function emptyStats(): WindowStats {
  return { requests: 0, errors: 0, latency: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0), compared: 0, divergent: 0, absDifference: 0, stableMagnitude: 0, labelled: 0, correct: 0, absError: 0 };
}

export function latencyBucket(ms: number): number {
  if (!(ms > SMALLEST_MS)) return 0;
  return Math.min(LATENCY_BOUNDS_MS.length, Math.ceil(Math.log(ms / SMALLEST_MS) / Math.log(GROWTH) - 1e-9));
}

export function addLatency(stats: WindowStats, ms: number): void {
  stats.latency[latencyBucket(ms)]++;
}

export function mergeStats(rows: WindowStats[]): WindowStats {
  const total = emptyStats();
  for (const row of rows) {
    for (const key of ['requests', 'errors', 'compared', 'divergent', 'absDifference', 'stableMagnitude', 'labelled', 'correct', 'absError'] as const) total[key] += row[key];
    row.latency.forEach((n, i) => (total.latency[i] = (total.latency[i] ?? 0) + n));
  }
  return total;
}

/** The latency at quantile q (0..1): the upper bound of the bucket holding it; NaN when empty. */
export function latencyQuantile(stats: WindowStats, q: number): number {
  const count = stats.latency.reduce((n, c) => n + c, 0);
  if (count === 0) return NaN;
  const rank = Math.ceil(q * count);
  let seen = 0;
  for (let i = 0; i < stats.latency.length; i++) {
    seen += stats.latency[i];
    if (seen >= rank) return i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Infinity;
  }
  return Infinity;
}

/**
 * Thinning metric series for overlaid curves (GetMetricHistories): each series keeps points
 * spread evenly over it, its first and last among them, and all series together stay within a
 * total so one request cannot ask for a million rows.
 */
export const HISTORY_LIMITS = { maxRuns: 1000, defaultPointsPerRun: 200, maxPointsPerRun: 1000, maxTotalPoints: 200_000 } as const;

/**
 * Positions (0-based) of at most `maxPoints` points spread evenly over a series of `length`:
 * the j-th kept one is round(j·(length−1)/(maxPoints−1)), halves up, in integer arithmetic, so
 * the first (0) and the last (length−1) are always kept and the gaps differ by at most one.
 * A series that fits is kept whole; with room for a single point, the last (latest) one is kept.
 */
export function evenIndices(length: number, maxPoints: number): number[] {
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  if (maxPoints <= 0) return [];
  if (maxPoints === 1) return [length - 1];
  const span = length - 1;
  const gaps = maxPoints - 1;
  return Array.from({ length: maxPoints }, (_, j) => Math.floor((2 * j * span + gaps) / (2 * gaps)));
}

/**
 * How many points each series keeps: min(length, L) for the largest common L ≤ maxPerRun whose
 * sum stays within maxTotal. Short series keep all their points, and what they leave unused goes
 * to the long ones, which are cut alike.
 */
export function pointBudgets(lengths: readonly number[], maxPerRun: number, maxTotal: number): number[] {
  const limit = commonLimit(lengths, maxPerRun, maxTotal);
  return lengths.map((n) => Math.min(n, limit));
}

function commonLimit(lengths: readonly number[], maxPerRun: number, maxTotal: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let used = 0; // points of the series shorter than sorted[i], all kept
  for (let i = 0; i < sorted.length; i++) {
    const longer = sorted.length - i;
    const limit = Math.min(maxPerRun, sorted[i]);
    if (used + limit * longer > maxTotal) return Math.floor((maxTotal - used) / longer);
    if (sorted[i] >= maxPerRun) return maxPerRun;
    used += sorted[i];
  }
  return maxPerRun;
}

/** What is wrong with a GetMetricHistories request, or undefined when nothing is. */
export function historiesRequestProblem(runIds: readonly string[], key: string, maxPointsPerRun: number): string | undefined {
  if (runIds.length > HISTORY_LIMITS.maxRuns) return `run_ids has ${runIds.length} ids; at most ${HISTORY_LIMITS.maxRuns}`;
  if (!key) return 'key (the metric name) is required';
  if (!Number.isInteger(maxPointsPerRun) || maxPointsPerRun < 0 || maxPointsPerRun > HISTORY_LIMITS.maxPointsPerRun) {
    return `max_points_per_run must be 0 (for ${HISTORY_LIMITS.defaultPointsPerRun}) to ${HISTORY_LIMITS.maxPointsPerRun}, got ${maxPointsPerRun}`;
  }
  const bad = runIds.find((id) => !RUN_ID.test(id));
  if (bad !== undefined) return `run id "${bad.slice(0, 60)}" is not a uuid`;
  return undefined;
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

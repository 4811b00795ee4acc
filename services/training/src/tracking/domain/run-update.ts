import type { RunStatus } from './run';

/** What UpdateRun asks: a status (undefined keeps it), an end time (0: none given), a name ('' keeps it). */
export interface RunChange {
  status?: RunStatus;
  endTimeMs: number;
  runName: string;
}

/** Why the change cannot be made to a run in `status`, or undefined. A running run has no end time. */
export function runChangeProblem(status: RunStatus, change: RunChange): string | undefined {
  if (!Number.isSafeInteger(change.endTimeMs) || change.endTimeMs < 0) return `end_time_ms must be a non-negative number of milliseconds, got ${change.endTimeMs}`;
  if (change.endTimeMs === 0) return undefined;
  if (change.status === 'running') return 'a run set RUNNING has no end time: end_time_ms must be 0';
  if (change.status === undefined && status === 'running') return 'end_time_ms needs a status that ends the run (the run is RUNNING)';
  return undefined;
}

/**
 * The run's end after the change: none when set running; the time given, else now, when it is
 * given an ended status; else as it was (an end time alone moves the end of an ended run).
 */
export function endTimeAfter(currentEndTimeMs: number | null, change: RunChange, now: number): number | null {
  if (change.status === 'running') return null;
  if (change.status !== undefined) return change.endTimeMs || now;
  return change.endTimeMs || currentEndTimeMs;
}

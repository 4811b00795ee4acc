import { formatClock, formatDuration, type TimeOptions } from './format';
import { renderTable } from './table';
import type { SagaSummary, TimelineStep } from '@mlops/client';

export { ALERT_KINDS, type Milestone, type SagaSummary, type StageDuration, type TimelineStep, findMilestones, isTerminalStep, stepKey, summarizeSaga } from '@mlops/client';

/**
 * A saga as people read it: one line per step (monitoring's GetTimeline), and a closing summary
 * of how long each stage of the loop took: alert → retraining requested → run completed →
 * version registered → first canary step → promoted or rolled back.
 */

/** Fixed column widths, so lines printed one at a time (--follow) still line up. */
const WIDTHS = { elapsed: 9, service: 13, kind: 26, version: 4 };

/** `10:02:03.456  +1m02s     serving        deployment.progressing  v4    canary …` */
export function renderStepLine(step: TimelineStep, firstAtMs: number, options: TimeOptions = {}): string {
  const elapsed = `+${formatDuration(Math.max(0, step.atMs - firstAtMs))}`;
  const version = step.version ? `v${step.version}` : '';
  return [
    formatClock(step.atMs, options),
    elapsed.padEnd(WIDTHS.elapsed),
    (step.service || '?').padEnd(WIDTHS.service),
    step.kind.padEnd(WIDTHS.kind),
    version.padEnd(WIDTHS.version),
    step.summary,
  ]
    .join(' ')
    .trimEnd();
}

/** Every step as a line, oldest first; elapsed time counts from the first step. */
export function renderTimeline(steps: TimelineStep[], options: TimeOptions = {}): string[] {
  const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0]?.atMs ?? 0;
  return sorted.map((step) => renderStepLine(step, first, options));
}

/** The summary as a small table, then the total and the outcome. */
export function renderSagaSummary(summary: SagaSummary): string {
  const rows = summary.stages.map((s) => [s.stage, s.durationMs === undefined ? '–' : formatDuration(s.durationMs)]);
  const table = renderTable([{ header: 'stage' }, { header: 'took', align: 'right' }], rows);
  const version = summary.version ? ` (version ${summary.version})` : '';
  return `${table}\ntotal ${formatDuration(summary.totalMs)}: ${summary.outcome}${version}`;
}

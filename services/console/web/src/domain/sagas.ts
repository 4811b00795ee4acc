import { sagaRank, stepKey, summarizeSaga } from '@mlops/sagas';
import type { Alert, Saga, TimelineStep } from '../api/types';

/** Sagas kept on the Overview. */
export const SAGAS_SHOWN = 10;

function ordered(steps: TimelineStep[]): TimelineStep[] {
  return [...steps].sort((a, b) => a.atMs - b.atMs || sagaRank(a.kind) - sagaRank(b.kind));
}

/**
 * A step that arrived live, added to its saga (or starting a new one at the top): the same
 * step twice (a replay, or the page's own fetch racing the event) is kept once; the saga's
 * summary (stages, outcome) is computed again by the same code the server and the CLI use.
 */
export function mergeStep(sagas: Saga[], correlationId: string, step: TimelineStep, limit = SAGAS_SHOWN): Saga[] {
  if (!correlationId) return sagas;
  const existing = sagas.find((s) => s.correlationId === correlationId);
  const key = stepKey(step);
  if (existing?.steps.some((s) => stepKey(s) === key)) return sagas;
  const steps = ordered([...(existing?.steps ?? []), step]);
  const saga: Saga = { correlationId, modelName: existing?.modelName || step.modelName || '', steps, summary: summarizeSaga(steps) };
  return [saga, ...sagas.filter((s) => s.correlationId !== correlationId)].slice(0, limit);
}

/** A fresh read of the sagas, keeping steps that arrived live but were not yet recorded when it was read. */
export function reconcile(fetched: Saga[], current: Saga[] | undefined): Saga[] {
  if (!current) return fetched;
  let out = fetched;
  for (const saga of current) for (const step of saga.steps) out = mergeStep(out, saga.correlationId, step, Math.max(fetched.length, current.length));
  // mergeStep moves a saga it touched to the top; the latest activity decides the order.
  return [...out].sort((a, b) => lastAt(b) - lastAt(a));
}

const lastAt = (saga: Saga) => saga.steps[saga.steps.length - 1]?.atMs ?? 0;

/** What an alert led to: its saga's outcome, or that it asked for no retraining (policy, cooldown). */
export function alertOutcome(a: Pick<Alert, 'retrainRequested' | 'saga'>): string {
  if (!a.retrainRequested) return 'no retraining';
  return a.saga?.outcome ?? 'in progress';
}

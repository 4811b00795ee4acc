import { sagaRank } from '@mlops/client';

/** Steps of a saga as GetTimeline gives them are read at most this many, the latest, per saga by ListTimelines. */
export const STEPS_PER_SAGA = 200;

export interface SagaSteps<S extends { at: Date }> {
  correlationId: string;
  steps: S[];
}

/** A saga's steps oldest first, from steps in arrival order: by time, and in the saga's order
 * (the alert before the retraining it requests) for steps of the same millisecond. */
export function inSagaOrder<S extends { at: Date; kind: string }>(steps: readonly S[]): S[] {
  // Array.prototype.sort is stable: steps equal in time and rank keep their arrival order.
  return [...steps].sort((a, b) => a.at.getTime() - b.at.getTime() || sagaRank(a.kind) - sagaRank(b.kind));
}

/** Sagas the most recently active first, by each one's latest step; equal ones keep their order. */
export function mostRecentlyActiveFirst<S extends { at: Date }>(sagas: readonly SagaSteps<S>[]): SagaSteps<S>[] {
  const latest = (saga: SagaSteps<S>) => saga.steps.reduce((max, s) => Math.max(max, s.at.getTime()), 0);
  return [...sagas].sort((a, b) => latest(b) - latest(a));
}

import { type TimelineStep, findMilestones } from '../sagas';

/** How long the loop took from the shift to the new version serving canary traffic, split into
 * what the data decides (detection), what training takes, and the platform's own hand-offs. */
export interface LoopLatency {
  /** Shift → alert: filling the monitoring windows with shifted traffic (set by policy and traffic rate). */
  detectionMs: number;
  /** The training job, from its creation to its end (snapshot, fit, evaluation, ONNX export). */
  trainingMs: number;
  /** Shift → the first canary step of the new version. */
  shiftToCanaryMs: number;
  /** Everything else: events relayed and consumed, the job picked up, the version registered, the rollout started. */
  orchestrationMs: number;
  /** First canary step → promoted (or rolled back): the analysis intervals of the policy. */
  canaryMs?: number;
}

export function loopLatency(steps: TimelineStep[], shiftedAtMs: number, job?: { createdAtMs: number; finishedAtMs: number }): LoopLatency | undefined {
  const [alert, requested, completed, , canary, finished] = findMilestones(steps).map((m) => m.step);
  if (!alert || !requested || !completed || !canary) return undefined;
  const detectionMs = alert.atMs - shiftedAtMs;
  const trainingMs = job && job.finishedAtMs > 0 ? job.finishedAtMs - job.createdAtMs : completed.atMs - requested.atMs;
  const shiftToCanaryMs = canary.atMs - shiftedAtMs;
  return { detectionMs, trainingMs, shiftToCanaryMs, orchestrationMs: shiftToCanaryMs - detectionMs - trainingMs, canaryMs: finished && finished.atMs - canary.atMs };
}

import { type EventTopic, Topics, type events } from '@mlops/contracts';
import { type SagaStep, type TimelineStep, completedStep, degradedStep, deploymentStep, driftStep, failedStep, registeredStep, requestedStep } from '@mlops/client';

/**
 * What the console pushes to browsers: one platform event, as the page needs it. Saga events
 * carry the step monitoring's timeline records for them (the same builders, libs/client), so
 * the Overview can add a step to its saga without asking anyone; the others say what changed
 * so the pages showing it can read it again.
 */
export interface LiveEvent {
  /** Position in this console's feed (the SSE id; a reconnecting browser resumes after it). */
  seq: number;
  /** The event's own id (event-id header). */
  eventId: string;
  kind: 'step' | 'alias' | 'dataset-version' | 'snapshot' | 'service-started';
  topic: string;
  correlationId: string;
  /** When it happened (occurred-at), Unix epoch milliseconds. */
  atMs: number;
  modelName?: string;
  /** Saga events: the timeline step. */
  step?: TimelineStep;
  /** The event's payload, as proto3 JSON. */
  data: unknown;
}

type StepOf<T> = (payload: T) => SagaStep;

interface Route<T> {
  topic: EventTopic<T>;
  kind: LiveEvent['kind'];
  step?: StepOf<T>;
  model?: (payload: T) => string | undefined;
}

const route = <T>(r: Route<T>): Route<unknown> => r as unknown as Route<unknown>;

/** The topics the console follows, and how each becomes a live event. */
export const LIVE_ROUTES: Route<unknown>[] = [
  route<events.DriftDetected>({ topic: Topics.driftDetected, kind: 'step', step: driftStep }),
  route<events.PerformanceDegraded>({ topic: Topics.performanceDegraded, kind: 'step', step: degradedStep }),
  route<events.TrainingRunRequested>({ topic: Topics.trainingRunRequested, kind: 'step', step: requestedStep }),
  route<events.TrainingRunCompleted>({ topic: Topics.trainingRunCompleted, kind: 'step', step: completedStep }),
  route<events.TrainingRunFailed>({ topic: Topics.trainingRunFailed, kind: 'step', step: failedStep }),
  route<events.ModelVersionRegistered>({ topic: Topics.modelVersionRegistered, kind: 'step', step: registeredStep }),
  route<events.DeploymentChanged>({ topic: Topics.deploymentChanged, kind: 'step', step: deploymentStep }),
  route<events.AliasChanged>({ topic: Topics.aliasChanged, kind: 'alias', model: (e) => e.modelName }),
  route<events.DatasetVersionCreated>({ topic: Topics.datasetVersionCreated, kind: 'dataset-version' }),
  route<events.SnapshotCreated>({ topic: Topics.snapshotCreated, kind: 'snapshot' }),
  route<events.ServiceStarted>({ topic: Topics.serviceStarted, kind: 'service-started' }),
];

export interface EventEnvelope {
  eventId: string;
  correlationId: string;
  atMs: number;
  producer: string;
}

/** The live event of one decoded message (seq is given by the feed). */
export function toLiveEvent(r: Route<unknown>, payload: unknown, envelope: EventEnvelope): Omit<LiveEvent, 'seq'> {
  const step = r.step?.(payload);
  return {
    eventId: envelope.eventId,
    kind: r.kind,
    topic: r.topic.name,
    correlationId: envelope.correlationId,
    atMs: envelope.atMs,
    modelName: step?.modelName ?? r.model?.(payload),
    step: step && { ...step, atMs: envelope.atMs, service: envelope.producer },
    data: r.topic.codec.toJSON(payload),
  };
}

import type { BinaryWriter } from '@bufbuild/protobuf/wire';
import { DatasetVersionCreated, RecordRejected, RecordsAccepted } from './gen/mlops/events/v1/ingestion';
import { SnapshotCreated } from './gen/mlops/events/v1/features';
import { TrainingRunCompleted, TrainingRunFailed, TrainingRunRequested } from './gen/mlops/events/v1/training';
import { AliasChanged, ModelVersionRegistered } from './gen/mlops/events/v1/registry';
import { DeploymentChanged, PredictionLogBatch } from './gen/mlops/events/v1/serving';
import { DriftDetected, FeedbackReceived, PerformanceDegraded } from './gen/mlops/events/v1/monitoring';
import { ServiceStarted } from './gen/mlops/events/v1/platform';

/**
 * The one catalog of Kafka topics. Names follow `<domain>.<entity>.<event>.v<N>`; a breaking
 * change to a payload bumps N, and a topic is never renamed without bumping it.
 */

/** What ts-proto generates for every message. */
export interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: Uint8Array, length?: number): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  fromPartial(object: unknown): T;
}

export interface EventTopic<T> {
  /** Kafka topic name. */
  readonly name: string;
  /** Fully qualified protobuf message type; sent in the content-type header. */
  readonly messageType: string;
  readonly codec: MessageCodec<T>;
  /** Also accept JSON payloads (only topics fed by external producers). */
  readonly acceptsJson: boolean;
  /**
   * Where a consumer group that has never read the topic starts: 'earliest' (the default: a new
   * consumer catches up on every event, so nothing is lost to a late start), or 'latest' for
   * live streams whose history means nothing to a newcomer (the prediction log, labels: live
   * statistics), which would otherwise replay hours of traffic first.
   */
  readonly newGroupsStartAt: 'earliest' | 'latest';
}

function eventTopic<T>(name: string, messageType: string, codec: MessageCodec<T>, acceptsJson = false, newGroupsStartAt: 'earliest' | 'latest' = 'earliest'): EventTopic<T> {
  return { name, messageType, codec, acceptsJson, newGroupsStartAt };
}

export const Topics = {
  serviceStarted: eventTopic('platform.service.started.v1', 'mlops.events.v1.ServiceStarted', ServiceStarted),
  recordsRejected: eventTopic('ingestion.records.rejected.v1', 'mlops.events.v1.RecordRejected', RecordRejected),
  recordsAccepted: eventTopic('ingestion.records.accepted.v1', 'mlops.events.v1.RecordsAccepted', RecordsAccepted),
  datasetVersionCreated: eventTopic(
    'ingestion.dataset-version.created.v1',
    'mlops.events.v1.DatasetVersionCreated',
    DatasetVersionCreated,
  ),
  snapshotCreated: eventTopic('features.snapshot.created.v1', 'mlops.events.v1.SnapshotCreated', SnapshotCreated),
  trainingRunRequested: eventTopic(
    'training.run.requested.v1',
    'mlops.events.v1.TrainingRunRequested',
    TrainingRunRequested,
    true,
  ),
  trainingRunCompleted: eventTopic('training.run.completed.v1', 'mlops.events.v1.TrainingRunCompleted', TrainingRunCompleted),
  trainingRunFailed: eventTopic('training.run.failed.v1', 'mlops.events.v1.TrainingRunFailed', TrainingRunFailed),
  modelVersionRegistered: eventTopic(
    'registry.model-version.registered.v1',
    'mlops.events.v1.ModelVersionRegistered',
    ModelVersionRegistered,
  ),
  aliasChanged: eventTopic('registry.alias.changed.v1', 'mlops.events.v1.AliasChanged', AliasChanged),
  deploymentChanged: eventTopic('serving.deployment.changed.v1', 'mlops.events.v1.DeploymentChanged', DeploymentChanged),
  predictionsLogged: eventTopic('serving.predictions.logged.v2', 'mlops.events.v1.PredictionLogBatch', PredictionLogBatch, false, 'latest'),
  feedbackReceived: eventTopic(
    'monitoring.feedback.received.v1',
    'mlops.events.v1.FeedbackReceived',
    FeedbackReceived,
    true,
    'latest',
  ),
  driftDetected: eventTopic('monitoring.drift.detected.v1', 'mlops.events.v1.DriftDetected', DriftDetected),
  performanceDegraded: eventTopic(
    'monitoring.performance.degraded.v1',
    'mlops.events.v1.PerformanceDegraded',
    PerformanceDegraded,
  ),
} as const;

/** Topics whose payload is not one protobuf message of ours. */
export const RawTopics = {
  /** External input: records from any producer, JSON or protobuf (schema per dataset). */
  recordsReceived: 'ingestion.records.received.v1',
  /** Messages a consumer could not process after its retries: original key, value and headers,
   * plus `dlq-*` headers with the error, source and consumer group. */
  deadLetters: 'platform.message.dead-lettered.v1',
} as const;

export const ALL_TOPIC_NAMES: readonly string[] = [
  ...Object.values(Topics).map((t) => t.name),
  ...Object.values(RawTopics),
];

const TOPIC_NAME = /^[a-z]+\.[a-z-]+\.[a-z-]+\.v[1-9][0-9]*$/;
export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name);
}

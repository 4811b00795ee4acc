import { RawTopics, Topics } from './topics';

/**
 * Who may write and read each topic: one Kafka principal per service (its SASL user is its name),
 * plus the principals of outside clients. A secured broker's ACLs are made from this table
 * (scripts/kafka-acls.mts) and nothing else: a service may write only the topics it produces
 * and read only those it consumes, so a compromised monitoring service cannot announce a model
 * version, and a data producer can write records and labels and nothing more.
 * libs/contracts/src/topic-access.spec.ts checks it against the topics each service's code names.
 */
export interface TopicAccess {
  produces: readonly string[];
  consumes: readonly string[];
  /** Its consumer groups start with this (a group id is the service name, or name-suffix in tests). */
  groupPrefix?: string;
}

/** What every service writes: its start announcement, and messages it gave up on. */
const EVERY_SERVICE = [Topics.serviceStarted.name, RawTopics.deadLetters];

const service = (produces: string[], consumes: string[], name: string): TopicAccess => ({
  produces: [...EVERY_SERVICE, ...produces],
  consumes,
  groupPrefix: name,
});

export const SERVICE_TOPIC_ACCESS = {
  ingestion: service(
    [Topics.recordsAccepted.name, Topics.recordsRejected.name, Topics.datasetVersionCreated.name],
    [RawTopics.recordsReceived],
    'ingestion',
  ),
  'feature-store': service([Topics.snapshotCreated.name], [Topics.recordsAccepted.name], 'feature-store'),
  training: service([Topics.trainingRunCompleted.name, Topics.trainingRunFailed.name], [Topics.trainingRunRequested.name], 'training'),
  registry: service([Topics.modelVersionRegistered.name, Topics.aliasChanged.name], [Topics.trainingRunCompleted.name, Topics.deploymentChanged.name], 'registry'),
  serving: service(
    [Topics.deploymentChanged.name, Topics.predictionsLogged.name],
    [Topics.modelVersionRegistered.name, Topics.aliasChanged.name, Topics.feedbackReceived.name],
    'serving',
  ),
  monitoring: service(
    [Topics.driftDetected.name, Topics.performanceDegraded.name, Topics.trainingRunRequested.name],
    [
      Topics.serviceStarted.name,
      Topics.predictionsLogged.name,
      Topics.feedbackReceived.name,
      Topics.aliasChanged.name,
      Topics.driftDetected.name,
      Topics.performanceDegraded.name,
      Topics.trainingRunRequested.name,
      Topics.trainingRunCompleted.name,
      Topics.trainingRunFailed.name,
      Topics.modelVersionRegistered.name,
      Topics.deploymentChanged.name,
    ],
    'monitoring',
  ),
  // The console's live page reads the loop's events; it writes none but its announcement.
  console: service(
    [],
    [
      Topics.serviceStarted.name,
      Topics.datasetVersionCreated.name,
      Topics.snapshotCreated.name,
      Topics.driftDetected.name,
      Topics.performanceDegraded.name,
      Topics.trainingRunRequested.name,
      Topics.trainingRunCompleted.name,
      Topics.trainingRunFailed.name,
      Topics.modelVersionRegistered.name,
      Topics.aliasChanged.name,
      Topics.deploymentChanged.name,
    ],
    'console',
  ),
} as const satisfies Record<string, TopicAccess>;

/** Outside clients: data producers write only the topics fed from outside; an external trainer reads its requests. */
export const CLIENT_TOPIC_ACCESS = {
  'data-producer': { produces: [RawTopics.recordsReceived, Topics.feedbackReceived.name], consumes: [] },
  'external-trainer': { produces: [], consumes: [Topics.trainingRunRequested.name], groupPrefix: 'external-trainer' },
} as const satisfies Record<string, TopicAccess>;

export const TOPIC_ACCESS: Readonly<Record<string, TopicAccess>> = { ...SERVICE_TOPIC_ACCESS, ...CLIENT_TOPIC_ACCESS };

/** The topics a principal writes or reads (what a service creates at start on a secured broker). */
export function topicsOf(principal: string): string[] {
  const access = TOPIC_ACCESS[principal];
  return access ? [...new Set([...access.produces, ...access.consumes])] : [];
}

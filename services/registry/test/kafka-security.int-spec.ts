import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { RawTopics, Topics } from '@mlops/contracts';
import { PrivateKafkaBroker, freePort, grpcClient, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { platformModel } from './onnx-fixtures';

/**
 * The broker checks who writes (issue 19): scripts/kafka.sh with KAFKA_SECURITY=sasl_ssl runs
 * TLS, a SCRAM user per principal and the ACLs of libs/contracts topic-access.ts. Nobody
 * unauthenticated gets in, a service cannot write another's topic, a data producer only its
 * input topics, and a real service works through it end to end.
 */
/** What kafkajs says for TOPIC_AUTHORIZATION_FAILED (alone, or wrapped when it gives up). */
const NOT_AUTHORIZED = /Not authorized to access topics/;

describe('a broker with TLS, SASL/SCRAM and ACLs', () => {
  let broker: PrivateKafkaBroker;
  const clients: Array<{ disconnect(): Promise<void> }> = [];
  const kafka = (settings: Partial<KafkaConfig>) =>
    new Kafka({ clientId: 'security-test', brokers: broker.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 }, ...settings });
  // No retries by default, so that a refusal shows at once; `settings` overrides that.
  const as = (user: string, password = broker.password(user), settings: Partial<KafkaConfig> = {}) =>
    kafka({ ssl: { ca: [broker.caPem] }, sasl: { mechanism: 'scram-sha-512', username: user, password }, ...settings });
  const send = async (client: Kafka, topic: string) => {
    const producer = client.producer({ allowAutoTopicCreation: false });
    clients.push(producer);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
  };

  beforeAll(async () => {
    broker = new PrivateKafkaBroker(await freePort(), 'sasl_ssl');
    await broker.start();
  }, 180_000);
  afterAll(async () => {
    for (const client of clients) await client.disconnect().catch(() => undefined);
    await broker?.wipe();
  });

  it('refuses clients without TLS, without SASL, or with a wrong password', async () => {
    await expect(send(kafka({}), RawTopics.recordsReceived)).rejects.toThrow();
    await expect(send(kafka({ ssl: { ca: [broker.caPem] } }), RawTopics.recordsReceived)).rejects.toThrow();
    await expect(send(as('data-producer', 'not-the-password'), RawTopics.recordsReceived)).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
    console.log('plaintext, TLS without SASL and a wrong SCRAM password: all refused');
  });

  it("lets each principal write only its own topics", async () => {
    await send(as('monitoring'), Topics.driftDetected.name);
    await expect(send(as('monitoring'), Topics.modelVersionRegistered.name)).rejects.toThrow(NOT_AUTHORIZED);
    await send(as('data-producer'), RawTopics.recordsReceived);
    await send(as('data-producer'), Topics.feedbackReceived.name);
    await expect(send(as('data-producer'), Topics.aliasChanged.name)).rejects.toThrow(NOT_AUTHORIZED);
    await expect(send(as('serving'), Topics.trainingRunRequested.name)).rejects.toThrow(NOT_AUTHORIZED);
    console.log('monitoring may write drift alerts, not model versions; a data producer records and labels, not aliases; serving no training requests');
  });

  it('runs a real service through it: the registry registers a completed run and announces it', async () => {
    const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-secure-'));
    const registry = await startPlatformService('registry', { kafkaBrokers: broker.brokers, env: { ...broker.serviceEnv('registry'), REGISTRY_ARTIFACT_DIR: artifactDir } });
    const api = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const model = uniqueName('secure').replace(/_/g, '-');
    // Retries, as a service's own consumer has: the broker's group coordinator may still be
    // loading its offsets topic, and a consumer with none stops for good there (seen in CI).
    const consumer = as('serving', undefined, { retry: { retries: 8 } }).consumer({ groupId: `serving-${model}` });
    clients.push(consumer);
    try {
      const { sha256 } = await api.UploadArtifact([{ data: platformModel().bytes }]);
      const announced: string[] = [];
      const consumerEvents: string[] = [];
      consumer.on(consumer.events.GROUP_JOIN, () => void consumerEvents.push('joined'));
      consumer.on(consumer.events.CRASH, (e) => void consumerEvents.push(`crashed: ${e.payload.error.message} (restart ${e.payload.restart})`));
      await consumer.connect();
      await consumer.subscribe({ topic: Topics.modelVersionRegistered.name, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void announced.push(message.key?.toString() ?? '') });
      const producer = as('training').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } });
      clients.push(producer);
      await producer.connect();
      await producer.send({
        topic: Topics.trainingRunCompleted.name,
        messages: [{
          key: model,
          value: Buffer.from(Topics.trainingRunCompleted.codec.encode(Topics.trainingRunCompleted.codec.fromPartial({
            runId: `${model}-run`, jobId: 'job', modelName: model, artifactSha256: sha256, metrics: { auc: 0.8 }, gatePassed: true, snapshotId: 's', featureView: 'fv', featureViewVersion: 1, dataset: 'ds', datasetVersion: 1, datasetContentHash: 'h', featureNames: ['age', 'income', 'tenure'], algorithm: 'logistic_regression',
          })).finish()),
          headers: { 'event-id': `${model}-completed`, 'content-type': `application/x-protobuf; type=${Topics.trainingRunCompleted.messageType}` },
        }],
      });
      await waitFor(async () => announced.includes(model), {
        timeoutMs: 60_000,
        what: `${model} announced on ${Topics.modelVersionRegistered.name}`,
      }).catch(async (error: Error) => {
        // What the registry said meanwhile (its warnings and errors), whether it registered the
        // version, and what the reading consumer went through, should the announcement never come.
        const said = registry.proc.logs.filter((l) => l.level === 'warn' || l.level === 'error').slice(-15).map((l) => JSON.stringify(l).slice(0, 400));
        const versions = await api.ListModelVersions({ modelName: model }).then((r: { versions: unknown[] }) => r.versions.length, (e: Error) => e.message);
        throw new Error(`${error.message}; ${announced.length} announcements read; versions registered: ${versions}; test consumer: ${consumerEvents.join(', ') || 'no events'}; registry warnings: ${said.join(' | ') || 'none'}`);
      });
      expect((await api.ListModelVersions({ modelName: model })).versions).toHaveLength(1);
      console.log(`registry on SASL_SSL as user "registry": consumed the run (sent by "training", idempotent), announced version 1 (read by "serving")`);
    } finally {
      api.close();
      await registry.stop();
      await fs.rm(artifactDir, { recursive: true, force: true });
    }
  }, 180_000);
});

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@mlops/contracts';
import { PrivateKafkaBroker, createTopics, freePort, grpcClient, readTopic, startPlatformService, testDatabaseUrl, uniqueName, waitFor } from '@mlops/testing';
import { platformModel } from './onnx-fixtures';

/**
 * The registry killed with SIGKILL while it registers completed training runs (issue 7), on a
 * broker of its own: after the restart every run is registered exactly once, with one
 * announcement each (a redelivered event or a re-published outbox row carries the same event id).
 * Each event's processed-event marker and its version commit in one transaction (the rows'
 * xmin), and the killed registry ran on a pool of one connection: an effect that took a second
 * connection for its own transaction would wait for it for ever (issue 19).
 */
describe('registry killed mid-registration', () => {
  it('registers each completed run once across a SIGKILL and a restart', async () => {
    const runs = 150;
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    await createTopics(broker.brokers, [Topics.trainingRunCompleted.name, Topics.modelVersionRegistered.name], 3);
    const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-kill-'));
    const env = { REGISTRY_ARTIFACT_DIR: artifactDir };
    let registry = await startPlatformService('registry', { env: { ...env, REGISTRY_DB_POOL_SIZE: '1' }, kafkaBrokers: broker.brokers });
    const shared = { ...env, REGISTRY_DB_SCHEMA: registry.schema, REGISTRY_CONSUMER_GROUP: `registry-${registry.schema}` };
    let api = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    const prefix = uniqueName('killed').replace(/_/g, '-');
    const models = Array.from({ length: runs }, (_, i) => `${prefix}-${i}`);
    const registered = async () => (await api.ListRegisteredModels({})).models.filter((m: { name: string }) => m.name.startsWith(prefix)).length;
    try {
      const { sha256 } = await api.UploadArtifact([{ data: platformModel().bytes }]);
      await producer.connect();
      await producer.send({
        topic: Topics.trainingRunCompleted.name,
        messages: models.map((model, i) => ({
          key: model,
          value: Buffer.from(Topics.trainingRunCompleted.codec.encode(Topics.trainingRunCompleted.codec.fromPartial({
            runId: `${model}-run`, jobId: `job-${i}`, modelName: model, artifactSha256: sha256, metrics: { auc: 0.8 }, gatePassed: true, snapshotId: 's', featureView: 'fv', featureViewVersion: 1, dataset: 'ds', datasetVersion: 1, datasetContentHash: 'h', featureNames: ['age', 'income', 'tenure'], algorithm: 'logistic_regression',
          })).finish()),
          headers: { 'event-id': `${model}-completed`, 'content-type': `application/x-protobuf; type=${Topics.trainingRunCompleted.messageType}` },
        })),
      });
      const atKill = await waitFor(async () => {
        const n = await registered();
        return n >= 10 && n;
      }, { timeoutMs: 60_000, what: 'registrations under way' });
      expect(await registry.proc.stop('SIGKILL')).toBe(null);
      api.close();
      registry = await startPlatformService('registry', { env: shared, kafkaBrokers: broker.brokers });
      api = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
      await waitFor(async () => (await registered()) === runs, { timeoutMs: 120_000, what: `all ${runs} runs registered after the restart` });
      await new Promise((r) => setTimeout(r, 2000));
      const versions = await Promise.all(models.map(async (m) => (await api.ListModelVersions({ modelName: m })).versions.length));
      const announced = (await readTopic(broker.brokers, Topics.modelVersionRegistered.name, runs, { timeoutMs: 60_000, settleMs: 2000 }))
        .filter((m) => m.key?.toString().startsWith(prefix));
      const eventIds = new Set(announced.map((m) => m.headers?.['event-id']?.toString()));
      const db = new Client({ connectionString: testDatabaseUrl() });
      await db.connect();
      const [markers] = (await db.query(
        `SELECT count(*)::int AS events, count(v.version)::int AS with_version, count(*) FILTER (WHERE v.xmin::text = p.xmin::text)::int AS same_transaction
           FROM "${registry.schema}".processed_events p LEFT JOIN "${registry.schema}".model_versions v ON p.event_id = v.model_name || '-completed'
          WHERE p.event_id LIKE $1`,
        [`${prefix}-%`],
      ).finally(() => db.end())).rows;
      console.log(`${runs} completed runs; ${atKill} registered when the registry (one database connection) was killed; after the restart ${versions.filter((v) => v === 1).length} models with one version, ${versions.filter((v) => v > 1).length} with more; ${announced.length} announcements (${eventIds.size} distinct event ids); ${markers.events} processed-event markers, ${markers.same_transaction} in their version's transaction`);
      expect(versions.every((v) => v === 1)).toBe(true);
      expect(eventIds.size).toBe(runs);
      expect(markers).toEqual({ events: runs, with_version: runs, same_transaction: runs });
    } finally {
      await producer.disconnect().catch(() => undefined);
      api.close();
      await registry.stop();
      await broker.wipe();
      await fs.rm(artifactDir, { recursive: true, force: true });
    }
  }, 300_000);
});

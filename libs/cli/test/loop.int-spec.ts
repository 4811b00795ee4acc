import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@mlops/contracts';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningPlatform, grpcClient, readTopicUntil, startPlatform, testKafkaBrokers, uniqueName } from '@mlops/testing';
import { LoopScenario, createClients, type PlatformClients } from '@mlops/client';

type Step = { kind: string; atMs: number; version: number; service: string; summary: string; modelName: string; details: Record<string, string> };

/**
 * The closed loop end to end, with all six services as processes on the real broker and
 * database, driven and observed through public faces only (gRPC, Kafka topics): a shift in the
 * data leads, with no human step, to a retrained version promoted in production; a replayed
 * alert starts nothing; a bad candidate is rolled back.
 */
describe('the closed loop', () => {
  let platform: RunningPlatform;
  let clients: PlatformClients;
  let scenario: LoopScenario;
  let alertId: string;
  const by = (name: string) => platform.service(name);

  beforeAll(async () => {
    platform = await startPlatform({ serviceEnv: { serving: { SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100' } } });
    clients = createClients({ env: platform.clientEnv, timeoutMs: 20_000 });
    scenario = new LoopScenario({ name: uniqueName('loop').replace(/_/g, '-'), clients, kafkaBrokers: testKafkaBrokers(), records: 2000, intervalSeconds: 2 });
    await scenario.connect();
  }, 180_000);

  afterAll(async () => {
    await scenario?.close();
    clients?.close();
    await platform?.stop();
  });

  const timeline = async (id: string): Promise<Step[]> => ((await clients.monitoring.call<{ steps: Step[] }>('GetTimeline', { correlationId: id }).catch(() => ({ steps: [] }))).steps);

  it('trains, registers and serves the first model', async () => {
    await scenario.setUp();
    await scenario.streamRecords('before');
    const first = await scenario.trainFirstModel();
    expect(first.version).toBe(1);
    scenario.startTraffic();
    await scenario.until(async () => (scenario.stats.byVersion['1'] ?? 0) > 300, 60_000, 'traffic answered by version 1');
    expect(scenario.stats.failed).toBe(0);
  }, 300_000);

  it('a shift leads, with no human step, to a retrained version promoted in production', async () => {
    const shiftedAt = await scenario.shift();
    alertId = (await scenario.retrainingAlert(90_000)).alertId;
    const steps = await scenario.promotedSaga(alertId, 180_000);

    const kinds = steps.map((s) => s.kind);
    expect(kinds[0]).toMatch(/^(drift\.detected|performance\.degraded)$/); // same millisecond as the request: the saga's order decides
    expect(kinds.slice(1, 4)).toEqual(['training.requested', 'training.completed', 'version.registered']);
    expect(kinds.filter((k) => k === 'deployment.progressing').length).toBeGreaterThanOrEqual(3); // 25 %, 50 %, 100 %
    expect(steps.find((s) => s.kind === 'version.registered')?.version).toBe(2);
    const production = await clients.registry.call<{ version: number }>('GetModelVersionByAlias', { modelName: scenario.model, alias: 'production' });
    expect(production.version).toBe(2);
    await scenario.until(async () => (scenario.stats.byVersion['2'] ?? 0) > 50, 30_000, 'traffic answered by version 2');
    expect(scenario.stats.failures).toEqual([]);

    const latency = (await scenario.latency(steps, shiftedAt))!;
    // Measured, not asserted (bench/loop-latency.mts records the figures).
    console.log(`loop latency (ms): ${JSON.stringify(latency)}`);
    expect(latency.canaryMs).toBeGreaterThan(0);
  }, 300_000);

  it('a replayed alert starts no second retraining and no second rollout', async () => {
    const jobs = async () => (await clients.training.call<{ jobs: unknown[] }>('ListTrainingJobs', { modelName: scenario.model })).jobs.length;
    const versions = async () => (await clients.registry.call<{ versions: unknown[] }>('ListModelVersions', { modelName: scenario.model })).versions.length;
    const [jobsBefore, versionsBefore, stepsBefore] = [await jobs(), await versions(), (await timeline(alertId)).length];
    expect([jobsBefore, versionsBefore]).toEqual([2, 2]);

    // The alert's own messages, exactly as monitoring published them (same event ids), once more.
    const kafka = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const replayed: string[] = [];
    for (const topic of [Topics.driftDetected.name, Topics.performanceDegraded.name, Topics.trainingRunRequested.name]) {
      const mine: { key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown> }[] = [];
      await readTopicUntil(testKafkaBrokers(), topic, (batch) => {
        mine.push(...batch.filter((m) => m.headers?.['x-correlation-id']?.toString() === alertId));
        return mine.length > 0;
      }, { timeoutMs: 5_000 }).catch(() => undefined); // the alert is of one kind: one of the two alert topics has nothing
      if (mine.length) await producer.send({ topic, messages: mine.map((m) => ({ key: m.key, value: m.value, headers: m.headers as Record<string, Buffer> })) });
      replayed.push(...mine.map(() => topic));
    }
    await producer.disconnect();
    expect(replayed).toContain(Topics.trainingRunRequested.name);
    expect(replayed.filter((t) => t !== Topics.trainingRunRequested.name)).toHaveLength(1);
    // Wait until training and monitoring have consumed past the replayed messages.
    const admin = kafka.admin();
    await admin.connect();
    const consumedPast = async (service: string, topic: string) => {
      const group = `${service}-${by(service).schema}`;
      const high = await admin.fetchTopicOffsets(topic);
      await scenario.until(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return high.every((h) => Number(committed.partitions.find((p) => p.partition === h.partition)?.offset ?? -1) >= Number(h.high) || Number(h.high) === 0);
      }, 30_000, `${group} to consume ${topic} past the replay`);
    };
    for (const topic of replayed) {
      await consumedPast('monitoring', topic);
      if (topic === Topics.trainingRunRequested.name) await consumedPast('training', topic);
    }
    await admin.disconnect();
    expect([await jobs(), await versions()]).toEqual([jobsBefore, versionsBefore]);
    expect((await timeline(alertId)).length).toBe(stepsBefore);
  }, 120_000);

  it('a bad candidate is rolled back, and production stays where it was', async () => {
    // Uploaded as if trained elsewhere: late exactly when it should not be.
    const flipped: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['x1', 'x2', 'x3'], classes: [0, 1], coef: [[-4, -4, 0]], intercept: [8] };
    const registry = grpcClient(by('registry').grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const { sha256 } = await registry.UploadArtifact([{ data: Buffer.from(exportOnnx(flipped)) }]);
    const v3 = await registry.CreateModelVersion({ modelName: scenario.model, artifactSha256: sha256, featureNames: ['x1', 'x2', 'x3'], description: 'a bad candidate' });
    registry.close();
    expect(v3.version).toBe(3);
    const failuresBefore = scenario.stats.failed;
    const deployment = await scenario.until(async () => {
      const d = await clients.deployments.call<{ state: string; candidateVersion: number; reason: string }>('GetDeployment', { modelName: scenario.model }).catch(() => undefined);
      return d?.candidateVersion === 3 && ['DEPLOYMENT_STATE_ROLLED_BACK', 'DEPLOYMENT_STATE_PROMOTED'].includes(d.state) && d;
    }, 90_000, 'the bad candidate to be judged');
    expect(deployment.state).toBe('DEPLOYMENT_STATE_ROLLED_BACK');
    expect(deployment.reason).toMatch(/accuracy/);
    expect((await clients.registry.call<{ version: number }>('GetModelVersionByAlias', { modelName: scenario.model, alias: 'production' })).version).toBe(2);
    expect(scenario.stats.failed).toBe(failuresBefore);
  }, 150_000);
});

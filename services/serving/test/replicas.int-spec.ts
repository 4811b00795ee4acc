import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topics, type events } from '@mlops/contracts';
import { type RunningService, authHeaders, grpcClient, readTopicUntil, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { GOOD, STABLE, registerVersion } from './models';
import { startTraffic } from './traffic';

type Client = ReturnType<typeof grpcClient>;

/**
 * Two serving replicas behind one deployment state (the same schema and consumer group), as a
 * Kubernetes Deployment with two pods runs them: the same weights, the same sticky assignment,
 * labels counted once whichever replica receives them, one promotion.
 */
describe('two serving replicas', () => {
  let registry: RunningService;
  let a: RunningService;
  let b: RunningService;
  let artifactDir: string;
  let models: Client;
  const api: Record<'a' | 'b', Client> = {} as never;
  const deployments: Record<'a' | 'b', Client> = {} as never;
  const model = uniqueName('rep').replace(/_/g, '-');

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-replicas-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    const env = { REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100', SERVING_ANALYSIS_INTERVAL_SECONDS: '1' };
    a = await startPlatformService('serving', { env });
    b = await startPlatformService('serving', { env: { ...env, SERVING_DB_SCHEMA: a.schema, SERVING_CONSUMER_GROUP: `serving-${a.schema}` } });
    models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    for (const [k, s] of [['a', a], ['b', b]] as const) {
      api[k] = grpcClient(s.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
      deployments[k] = grpcClient(s.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService');
    }
  });
  afterAll(async () => {
    for (const c of [...Object.values(api), ...Object.values(deployments), models]) c?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await registry?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  const register = (onnx: Buffer) => registerVersion(models, model, onnx);
  const deploymentOf = (version: number, state: string) =>
    waitFor(async () => {
      const d = await deployments.a.GetDeployment({ modelName: model }).catch(() => undefined);
      return d?.candidateVersion === version && d.state === state ? d : undefined;
    }, { timeoutMs: 60_000, what: `v${version} ${state}` });
  const joined = async (s: RunningService) => Number(/^mlops_serving_labels_joined_total\{[^}]*\} (\S+)$/m.exec(await (await fetch(`${s.httpUrl}/metrics`, { headers: authHeaders() })).text())?.[1] ?? 0);
  const infer = (k: 'a' | 'b', key: string, id: string) =>
    api[k].ModelInfer({ modelName: model, id, parameters: { routing_key: { stringParam: key } }, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [0.3, -0.2, 0.5] } }] });

  it('run one canary: the same weights and sticky assignment, every label counted once, one promotion', async () => {
    await register(STABLE);
    await deploymentOf(1, 'DEPLOYMENT_STATE_PROMOTED');
    await deployments.a.SetDeploymentPolicy({ modelName: model, canarySteps: [50, 100], intervalSeconds: 1, mirrorPercent: 20, thresholds: { minRequests: 10, minLabels: 10, minMirrored: 10, requireLabels: true } });
    const traffic = [startTraffic(api.a, model, { workers: 3 }), startTraffic(api.b, model, { workers: 3 })];
    await register(GOOD);
    // Held at 50 % by an operator on one replica: both route every key the same way.
    await waitFor(async () => (await deployments.b.GetDeployment({ modelName: model })).state === 'DEPLOYMENT_STATE_PROGRESSING', { what: 'the canary' });
    await deployments.b.PauseDeployment({ modelName: model, reason: 'comparing replicas' });
    await Promise.all(traffic.map((t) => t.stop()));
    await new Promise((r) => setTimeout(r, 600)); // both routing tables refreshed (200 ms)
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    const routed = await Promise.all(keys.map(async (key, i) => [(await infer('a', key, `${model}-sa-${i}`)).modelVersion, (await infer('b', key, `${model}-sb-${i}`)).modelVersion]));
    const differing = routed.filter(([x, y]) => x !== y).length;
    const onCandidate = routed.filter(([x]) => x === '2').length;
    console.log(`sticky routing over 2 replicas at 50 %: ${differing} of 200 keys routed differently; ${onCandidate} on the candidate`);
    expect(differing).toBe(0);
    expect(onCandidate).toBeGreaterThan(60);
    expect(onCandidate).toBeLessThan(140);

    // 400 requests alternating between the replicas, then a label for each (twice): every label
    // joins its prediction once, whichever replica made it and whichever receives the label.
    const before = (await joined(a)) + (await joined(b));
    const answered = await Promise.all(Array.from({ length: 400 }, (_, i) => infer(i % 2 ? 'b' : 'a', `user-${i}`, `${model}-l-${i}`)));
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const labels = answered.map((r: { id: string; outputs: { name: string; contents: { int64Contents: number[] } }[] }) => ({
      key: r.id,
      value: JSON.stringify({ requestId: r.id, modelName: model, label: Number(r.outputs.find((o) => o.name === 'label')!.contents.int64Contents[0]) }),
      headers: { 'content-type': 'application/json' },
    }));
    await producer.send({ topic: Topics.feedbackReceived.name, messages: labels });
    await producer.send({ topic: Topics.feedbackReceived.name, messages: labels }); // redelivered
    await producer.disconnect();
    const sum = async () => ({ a: await joined(a), b: await joined(b) });
    await waitFor(async () => {
      const c = await sum();
      return c.a + c.b - before >= 400;
    }, { timeoutMs: 30_000, what: '400 labels joined' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500)); // the redelivered copies have been consumed too
    const counts = await sum();
    const total = counts.a + counts.b - before;
    console.log(`labels: 400 sent twice, joined ${total} (replica a ${counts.a}, b ${counts.b} in all)`);
    // Half the predictions were made by each replica, whichever one the labels' partitions went to.
    expect(total).toBe(400);

    await deployments.a.ResumeDeployment({ modelName: model, reason: 'consistent' });
    const more = [startTraffic(api.a, model, { workers: 2 }), startTraffic(api.b, model, { workers: 2 })];
    const feeder = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await feeder.connect();
    const sent = [0, 0];
    const sending: Promise<unknown>[] = [];
    const feed = setInterval(() => {
      more.forEach((t, i) => {
        const batch = t.stats.answered.slice(sent[i]);
        sent[i] += batch.length;
        if (batch.length) sending.push(feeder.send({ topic: Topics.feedbackReceived.name, messages: batch.map((x) => ({ key: x.id, value: JSON.stringify({ requestId: x.id, modelName: model, label: x.label }), headers: { 'content-type': 'application/json' } })) }));
      });
    }, 200);
    const promoted = await deploymentOf(2, 'DEPLOYMENT_STATE_PROMOTED').catch(async (error) => {
      const d = await deployments.a.GetDeployment({ modelName: model });
      throw new Error(`${(error as Error).message}; the deployment: ${d.state} at ${d.candidateWeightPercent} %: ${d.reason}`);
    });
    clearInterval(feed);
    const stats = await Promise.all(more.map((t) => t.stop()));
    // A send still in flight would reconnect after the disconnect and keep the test process alive.
    await Promise.allSettled(sending);
    await feeder.disconnect();
    expect(stats.flatMap((s) => s.failed)).toEqual([]);

    // One promotion: one saga, one alias move by serving.
    const changes: events.DeploymentChanged[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.deploymentChanged.name, (batch) => {
      changes.push(...batch.filter((m) => m.key?.toString() === model).map((m) => Topics.deploymentChanged.codec.decode(m.value!)).filter((e) => e.deploymentId === promoted.id));
      return changes.some((e) => e.state === 'promoted');
    }, { what: 'the promotion' });
    expect(changes.filter((e) => e.state === 'promoted')).toHaveLength(1);
    const platform = grpcClient(registry.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    const { records } = await platform.ListAuditRecords({ principal: 'service:serving', actionPrefix: '/mlops.registry.v1.RegistryService/SetAlias' });
    platform.close();
    const moves = records.filter((r: { requestJson: string; outcome: string }) => r.outcome === 'OK' && JSON.parse(r.requestJson).modelName === model).map((r: { requestJson: string }) => JSON.parse(r.requestJson).version);
    expect(moves.sort()).toEqual([1, 2]);
    expect(sent[0] + sent[1]).toBeGreaterThan(0);
  });
});

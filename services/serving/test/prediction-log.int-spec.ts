import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Topics } from '@mlops/contracts';
import { PrivateKafkaBroker, type RunningService, freePort, grpcClient, readTopic, startPlatformService, uniqueName, waitFor, authHeaders } from '@mlops/testing';
import { STABLE } from './models';

/** The prediction log reaches Kafka, and a broker outage neither fails nor slows inference. */
describe('prediction log', () => {
  const broker = new PrivateKafkaBroker(0);
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  const model = uniqueName('logged').replace(/_/g, '-');

  beforeAll(async () => {
    Object.assign(broker, { port: await freePort() });
    await broker.start();
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-log-'));
    registry = await startPlatformService('registry', { kafkaBrokers: broker.brokers, env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    serving = await startPlatformService('serving', { kafkaBrokers: broker.brokers, env: { REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_PREDICTION_LOG_MAX_BACKLOG: '100' } });
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const { sha256 } = await models.UploadArtifact([{ data: STABLE }]);
    await models.CreateModelVersion({ modelName: model, artifactSha256: sha256 });
    await models.SetAlias({ modelName: model, alias: 'production', version: 1 });
    models.close();
  }, 180_000);
  afterAll(async () => {
    await serving?.stop();
    await registry?.stop();
    await broker.wipe();
    await fs.rm(artifactDir, { recursive: true, force: true });
  }, 120_000);

  async function send(api: ReturnType<typeof grpcClient>, prefix: string, count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      const r = await api.ModelInfer({ modelName: model, id: `${prefix}-${i}`, inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3], contents: { fp32Contents: [i, 1, 2, -i, 0.5, 0] } }] });
      latencies.push(performance.now() - t);
      expect(r.id).toBe(`${prefix}-${i}`);
    }
    return latencies.sort((a, b) => a - b);
  }

  const gauge = async (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await (await fetch(`${serving.httpUrl}/metrics`, { headers: authHeaders() })).text())?.[1]);

  it('logs every row with request id, model, version, inputs, outputs and latency, and survives a broker outage', async () => {
    const api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
    try {
      const before = await send(api, 'up', 50);
      const logged = async () =>
        (await readTopic(broker.brokers, Topics.predictionsLogged.name, 1, { settleMs: 500 })).flatMap((m) => Topics.predictionsLogged.codec.decode(m.value!).predictions);
      const first = await waitFor(async () => {
        const all = await logged();
        return all.filter((p) => p.requestId.startsWith('up-')).length === 100 ? all : undefined;
      }, { what: '100 logged predictions' });
      const row = first.find((p) => p.requestId === 'up-7' && p.row === 1)!;
      expect(row).toMatchObject({ modelName: model, version: 1, role: 'stable', features: { a: -7, b: 0.5, c: 0 }, deploymentId: '' });
      expect(row.outputs).toHaveLength(3); // label, then the two probabilities
      expect(row.prediction).toBe(row.outputs[0]);
      expect(row.latencyMs).toBeGreaterThan(0);

      await broker.stop();
      const during = await send(api, 'down', 300);
      // Inference neither failed (send() would have thrown) nor slowed down beyond noise.
      expect(during[150]).toBeLessThan(Math.max(20, before[25] * 5));
      expect(await gauge('mlops_serving_prediction_log_backlog')).toBeLessThanOrEqual(100);
      expect(await gauge('mlops_serving_prediction_log_dropped_total')).toBe(200);

      await broker.start();
      await waitFor(async () => (await gauge('mlops_serving_prediction_log_backlog')) === 0, { timeoutMs: 60_000, what: 'the backlog to drain' });
      const after = await waitFor(async () => {
        const all = await logged();
        return all.filter((p) => p.requestId.startsWith('down-')).length >= 200 ? all : undefined;
      }, { timeoutMs: 60_000, what: 'the queued predictions to arrive' });
      // The 100 requests the backlog held arrived (two rows each); the rest were dropped and counted.
      expect(new Set(after.filter((p) => p.requestId.startsWith('down-')).map((p) => p.requestId)).size).toBe(100);
    } finally {
      api.close();
    }
  }, 240_000);
});

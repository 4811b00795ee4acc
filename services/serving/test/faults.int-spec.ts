import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Topics, type events } from '@mlops/contracts';
import { PrivatePostgres, type RunningService, freePort, grpcClient, httpGet, readTopicUntil, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { GOOD, STABLE, registerVersion } from './models';
import { startTraffic } from './traffic';

type Client_ = ReturnType<typeof grpcClient>;

/**
 * Faults in the middle of a canary (issue 7), on a Postgres server of the test's own: the
 * database restarted while the canary steps, and serving killed with SIGKILL while it steps.
 * Inference goes on from memory, the canary resumes where it was and is promoted once, and the
 * outbox drains.
 */
describe('a canary through faults', () => {
  let postgres: PrivatePostgres;
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  let models: Client_;
  let api: Client_;
  let deployments: Client_;
  const servingEnv = () => ({ DATABASE_URL: postgres.url, REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100', READINESS_INTERVAL_MS: '500' });
  const connect = () => {
    api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
    deployments = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService');
  };

  beforeAll(async () => {
    postgres = new PrivatePostgres(await freePort());
    await postgres.start();
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-faults-'));
    registry = await startPlatformService('registry', { env: { DATABASE_URL: postgres.url, REGISTRY_ARTIFACT_DIR: artifactDir } });
    serving = await startPlatformService('serving', { env: servingEnv() });
    models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    connect();
  });
  afterAll(async () => {
    api?.close();
    deployments?.close();
    models?.close();
    await serving?.stop();
    await registry?.stop();
    await postgres?.wipe();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  const register = (model: string, onnx: Buffer) => registerVersion(models, model, onnx);
  const deployment = (model: string, check: (d: { candidateVersion: number; state: string; candidateWeightPercent: number }) => boolean, what: string, timeoutMs = 60_000) =>
    waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: model }).catch(() => undefined);
      return d && check(d) ? d : undefined;
    }, { timeoutMs, what });
  /**
   * The deployment's events once each. The outbox delivers at least once: when Postgres goes away
   * between the send and the mark, the relay sends the same event (same event-id) again after the
   * restart, and consumers skip it by its id. A step repeated under a new id would still count twice.
   */
  const changesOf = async (model: string, id: string) => {
    const changes: events.DeploymentChanged[] = [];
    const seen = new Set<string>();
    await readTopicUntil(testKafkaBrokers(), Topics.deploymentChanged.name, (batch) => {
      for (const m of batch) {
        if (m.key?.toString() !== model) continue;
        const eventId = m.headers?.['event-id']?.toString() ?? '';
        const event = Topics.deploymentChanged.codec.decode(m.value!);
        if (event.deploymentId !== id || seen.has(eventId)) continue;
        seen.add(eventId);
        changes.push(event);
      }
      return changes.some((e) => e.state === 'promoted');
    }, { what: 'the promotion event', timeoutMs: 60_000 });
    return changes;
  };
  const unpublished = async (schema: string) => {
    const sql = new Client({ connectionString: postgres.url });
    await sql.connect();
    try {
      return (await sql.query(`SELECT count(*)::int AS n FROM "${schema}".outbox_events WHERE published_at IS NULL`)).rows[0].n as number;
    } finally {
      await sql.end();
    }
  };

  async function canaryInProgress(): Promise<string> {
    const model = uniqueName('fault').replace(/_/g, '-');
    await register(model, STABLE);
    await deployment(model, (d) => d.candidateVersion === 1 && d.state === 'DEPLOYMENT_STATE_PROMOTED', 'v1 live');
    await deployments.SetDeploymentPolicy({ modelName: model, canarySteps: [20, 40, 60, 80, 100], intervalSeconds: 1, mirrorPercent: 0, thresholds: { minRequests: 10 } });
    return model;
  }

  it('restarts Postgres while the canary steps: answers go on, the canary resumes and is promoted once, the outbox drains', async () => {
    const model = await canaryInProgress();
    const traffic = startTraffic(api, model);
    await register(model, GOOD);
    const stepping = await deployment(model, (d) => d.candidateVersion === 2 && d.state === 'DEPLOYMENT_STATE_PROGRESSING' && d.candidateWeightPercent >= 40, 'the canary at 40 %');
    await postgres.stop();
    await waitFor(async () => (await httpGet(`${serving.httpUrl}/health/ready`)).status === 503, { timeoutMs: 20_000, what: 'serving to report the database away' });
    const sentBefore = traffic.stats.sent;
    await new Promise((r) => setTimeout(r, 4000));
    const answeredMeanwhile = traffic.stats.sent - sentBefore;
    await postgres.start();
    const promoted = await deployment(model, (d) => d.candidateVersion === 2 && d.state === 'DEPLOYMENT_STATE_PROMOTED', 'promotion after the restart', 120_000);
    const stats = await traffic.stop();
    const changes = await changesOf(model, promoted.id);
    await waitFor(async () => (await unpublished(serving.schema)) === 0, { timeoutMs: 60_000, what: "serving's outbox to drain" });
    console.log(`Postgres down for 4 s at ${stepping.candidateWeightPercent} %: ${answeredMeanwhile} requests answered meanwhile; ${stats.sent} in all, ${stats.failed.length} failed; events ${changes.map((e) => `${e.state}@${e.candidateWeightPercent}`).join(' ')}`);
    expect(answeredMeanwhile).toBeGreaterThan(0);
    expect(stats.failed).toEqual([]);
    expect(changes.filter((e) => e.state === 'promoted')).toHaveLength(1);
    // Steps only go forward: nothing repeated or skipped back across the outage.
    const weights = changes.filter((e) => e.state === 'progressing').map((e) => e.candidateWeightPercent);
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
    expect(new Set(weights).size).toBe(weights.length);
  });

  it('kills serving with SIGKILL while the canary steps: the restarted process resumes at the same step and promotes once', async () => {
    const model = await canaryInProgress();
    let traffic = startTraffic(api, model);
    await register(model, GOOD);
    const at = await deployment(model, (d) => d.candidateVersion === 2 && d.state === 'DEPLOYMENT_STATE_PROGRESSING' && d.candidateWeightPercent >= 40, 'the canary at 40 %');
    await traffic.stop();
    api.close();
    deployments.close();
    expect(await serving.proc.stop('SIGKILL')).toBe(null);
    serving = await startPlatformService('serving', { env: { ...servingEnv(), SERVING_DB_SCHEMA: serving.schema, SERVING_CONSUMER_GROUP: `serving-${serving.schema}` } });
    connect();
    const resumed = await deployments.GetDeployment({ modelName: model });
    expect(resumed).toMatchObject({ id: at.id, candidateVersion: 2, state: 'DEPLOYMENT_STATE_PROGRESSING' });
    expect(resumed.candidateWeightPercent).toBeGreaterThanOrEqual(at.candidateWeightPercent);
    traffic = startTraffic(api, model);
    const promoted = await deployment(model, (d) => d.candidateVersion === 2 && d.state === 'DEPLOYMENT_STATE_PROMOTED', 'promotion after the restart', 120_000);
    const stats = await traffic.stop();
    const changes = await changesOf(model, promoted.id);
    console.log(`killed at ${at.candidateWeightPercent} %, resumed at ${resumed.candidateWeightPercent} %; events ${changes.map((e) => `${e.state}@${e.candidateWeightPercent}`).join(' ')}; ${stats.failed.length} failed requests after the restart`);
    expect(promoted.id).toBe(at.id);
    expect(changes.filter((e) => e.state === 'promoted')).toHaveLength(1);
    expect((await models.GetModelVersionByAlias({ modelName: model, alias: 'production' })).version).toBe(2);
    expect(stats.failed).toEqual([]);
  });
});

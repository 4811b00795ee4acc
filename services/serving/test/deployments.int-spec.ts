import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topics, type events } from '@mlops/contracts';
import { type RunningService, grpcClient, readTopicUntil, startPlatformService, testKafkaBrokers, uniqueName, waitFor, authHeaders, asPrincipal } from '@mlops/testing';
import { bucketOf } from '../src/routing/domain/traffic-split';
import { FLIPPED, GOOD, STABLE, erring, slow, registerVersion } from './models';
import { startTraffic } from './traffic';

type Client = ReturnType<typeof grpcClient>;
const INTERVAL = 1;

/**
 * Deployments against the real registry, broker and database: a version registered in the
 * registry starts its model's strategy in serving; live traffic (a client built from the public
 * v2 proto) is routed by the deployment; the analysis promotes or rolls back on what it measured.
 */
describe('deployments (basic, canary, shadow) with automated analysis', () => {
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  let models: Client;
  let api: Client;
  let deployments: Client;
  // The load guard's limits low enough for the pathological models of test/fixtures (the usual ones load in well under both).
  const servingEnv = () => ({
    REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100', SERVING_ANALYSIS_INTERVAL_SECONDS: String(INTERVAL),
    SERVING_MODEL_LOAD_MAX_RSS_BYTES: String(768 * 1024 * 1024), SERVING_MODEL_LOAD_TIMEOUT_MS: '10000',
  });

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-deploy-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
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
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  function connect(): void {
    api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
    deployments = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService');
  }

  const newModel = () => uniqueName('dep').replace(/_/g, '-');

  const register = (model: string, onnx: Buffer) => registerVersion(models, model, onnx);

  async function deploymentOf(model: string, version: number, state: string, timeoutMs = 30_000) {
    return waitFor(
      async () => {
        const d = await deployments.GetDeployment({ modelName: model });
        return d.candidateVersion === version && d.state === state ? d : undefined;
      },
      { timeoutMs, what: `deployment of ${model} v${version} to be ${state}` },
    );
  }

  /** A model with a production version (its first version goes live by itself) and a policy. */
  async function modelInProduction(policy: Record<string, unknown>): Promise<string> {
    const model = newModel();
    await register(model, STABLE);
    const first = await deploymentOf(model, 1, 'DEPLOYMENT_STATE_PROMOTED');
    expect(first).toMatchObject({ strategy: 'STRATEGY_BASIC', stableVersion: 0, reason: 'promoted: production is version 1' });
    await deployments.SetDeploymentPolicy({ modelName: model, intervalSeconds: INTERVAL, thresholds: { minRequests: 10, minMirrored: 10, minLabels: 10 }, ...policy });
    return model;
  }

  const production = async (model: string) => (await models.GetModelVersionByAlias({ modelName: model, alias: 'production' })).version;

  it('puts the first version live at once, then steps a good candidate through the canary and promotes it', async () => {
    const model = await modelInProduction({ canarySteps: [20, 50, 100], mirrorPercent: 50 });
    expect(await production(model)).toBe(1);
    const traffic = startTraffic(api, model);
    await register(model, GOOD);
    const promoted = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROMOTED');
    const stats = await traffic.stop();

    expect(promoted).toMatchObject({ strategy: 'STRATEGY_CANARY', stableVersion: 1, candidateVersion: 2, startedBy: 'registry', failedChecks: 0 });
    expect(await production(model)).toBe(2);
    const { analyses } = await deployments.ListAnalyses({ deploymentId: promoted.id });
    const passed = analyses.filter((a: { verdict: string }) => a.verdict === 'VERDICT_PASS');
    expect(passed.map((a: { candidateWeightPercent: number }) => a.candidateWeightPercent)).toEqual([20, 50, 100]);
    for (const a of passed) {
      const divergence = a.checks.find((c: { name: string }) => c.name === 'divergence');
      expect(divergence.verdict).toBe('VERDICT_PASS');
      expect(divergence.value).toBeLessThanOrEqual(0.1);
    }
    expect(stats.failed).toEqual([]);
    expect(stats.byVersion['1']).toBeGreaterThan(0);
    expect(stats.byVersion['2']).toBeGreaterThan(0);

    // Every change was announced, in order, and the registry recorded the verdict.
    const changes: events.DeploymentChanged[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.deploymentChanged.name, (batch) => {
      const ours = batch.filter((m) => m.key?.toString() === model).map((m) => Topics.deploymentChanged.codec.decode(m.value!));
      changes.push(...ours.filter((e) => e.deploymentId === promoted.id));
      return changes.some((e) => e.state === 'promoted');
    }, { what: 'the promotion event' });
    expect(changes.map((e) => `${e.state}@${e.candidateWeightPercent}`)).toEqual(['progressing@20', 'progressing@50', 'progressing@100', 'promoting@100', 'promoted@100']);
    await waitFor(async () => (await models.GetModelVersion({ modelName: model, version: 2 })).tags['serving.verdict'] === 'promoted', { what: 'the registry to tag the verdict' });

    // Requests without a version now go to the new production version.
    const after = await api.ModelInfer({ modelName: model, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [0.1, 0.2, 0.3] } }] });
    expect(after.modelVersion).toBe('2');
  });

  it('rolls back a candidate that predicts differently, with no failed request', async () => {
    const model = await modelInProduction({ canarySteps: [20, 100], mirrorPercent: 50 });
    const traffic = startTraffic(api, model);
    await register(model, FLIPPED);
    const rolledBack = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    await new Promise((r) => setTimeout(r, 500));
    const stats = await traffic.stop();

    expect(rolledBack.failedChecks).toBe(2);
    expect(rolledBack.reason).toMatch(/^rolled back: analysis failed 2 time\(s\) \(divergence 1\.00 > 0\.1/);
    expect(await production(model)).toBe(1);
    expect(stats.failed).toEqual([]);
    const { analyses } = await deployments.ListAnalyses({ deploymentId: rolledBack.id });
    expect(analyses.filter((a: { verdict: string }) => a.verdict === 'VERDICT_FAIL')).toHaveLength(2);
    // The candidate never got past its first step.
    expect(analyses.every((a: { candidateWeightPercent: number }) => a.candidateWeightPercent === 20)).toBe(true);
    await waitFor(async () => (await models.GetModelVersion({ modelName: model, version: 2 })).tags['serving.verdict'] === 'rejected', { what: 'the registry to mark the candidate rejected' });
  });

  it('rolls back a candidate that errs; the stable version answers its requests meanwhile', async () => {
    const model = await modelInProduction({ canarySteps: [30, 100], mirrorPercent: 0 });
    const traffic = startTraffic(api, model);
    await register(model, erring());
    const rolledBack = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    const stats = await traffic.stop();

    expect(rolledBack.reason).toContain('error_rate 1.00 > 0.01');
    expect(stats.failed).toEqual([]);
    expect(stats.byVersion['2'] ?? 0).toBe(0);
    const metrics = await (await fetch(`${serving.httpUrl}/metrics`, { headers: authHeaders() })).text();
    expect(metrics).toMatch(new RegExp(`mlops_serving_analysis_verdicts_total\\{[^}]*model="${model}"[^}]*verdict="fail"[^}]*\\} 2`));
  });

  it('rejects candidates whose load would exhaust memory or never end (tried in a probe process); the replica never restarts', async () => {
    const model = await modelInProduction({ canarySteps: [30, 100], mirrorPercent: 0 });
    const pid = serving.proc.pid;
    const traffic = startTraffic(api, model);
    const fixture = (file: string) => readFileSync(path.join(__dirname, 'fixtures', file));
    await register(model, fixture('memory_hog.onnx'));
    const hog = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    await register(model, fixture('spinner.onnx'));
    const spinner = await deploymentOf(model, 3, 'DEPLOYMENT_STATE_ROLLED_BACK', 60_000);
    const stats = await traffic.stop();
    console.log(`memory hog: ${hog.reason}; spinner: ${spinner.reason}; ${stats.byVersion['1'] ?? 0} requests answered by version 1 meanwhile, ${stats.failed.length} failed; serving pid ${pid} → ${serving.proc.pid}`);
    expect(hog.reason).toContain('used more than SERVING_MODEL_LOAD_MAX_RSS_BYTES');
    expect(spinner.reason).toContain('took longer than SERVING_MODEL_LOAD_TIMEOUT_MS (10000 ms)');
    expect(stats.failed).toEqual([]);
    expect(Object.keys(stats.byVersion)).toEqual(['1']);
    // The same process, alive throughout: the models never entered it.
    expect(serving.proc.pid).toBe(pid);
    expect(() => process.kill(pid!, 0)).not.toThrow();
    expect(await production(model)).toBe(1);
  });

  it('rolls back a candidate that answers slowly, at its first step, with no failed request', async () => {
    const model = await modelInProduction({ canarySteps: [20, 50, 100], mirrorPercent: 0, thresholds: { minRequests: 10, minMirrored: 10, minLabels: 10, maxP99LatencyMs: 2 } });
    const traffic = startTraffic(api, model);
    await register(model, slow());
    const rolledBack = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    const stats = await traffic.stop();
    const { analyses } = await deployments.ListAnalyses({ deploymentId: rolledBack.id });
    const latency = analyses.map((a: { checks: { name: string; value: number; stableValue: number; verdict: string }[] }) => a.checks.find((c) => c.name === 'p99_latency_ms')!);
    console.log(`slow candidate: p99 ${latency.map((c: { value: number; stableValue: number }) => `${c.value.toFixed(1)} ms (stable ${c.stableValue.toFixed(1)})`).join(', ')}; ${stats.byVersion['2'] ?? 0} of ${stats.sent} requests on it, ${stats.failed.length} failed`);
    expect(stats.failed).toEqual([]);
    expect(rolledBack.reason).toMatch(/p99/);
    // Two failed intervals (the default failure limit) and no step past the first.
    expect(analyses.filter((a: { verdict: string }) => a.verdict === 'VERDICT_FAIL')).toHaveLength(2);
    expect(analyses.every((a: { candidateWeightPercent: number }) => a.candidateWeightPercent === 20)).toBe(true);
    expect(latency.every((c: { verdict: string }) => c.verdict === 'VERDICT_FAIL' || c.verdict === 'VERDICT_WAIT')).toBe(true);
  });

  it('without the stable fallback, fails only requests in the candidate\'s share', async () => {
    const model = await modelInProduction({ canarySteps: [30, 100], mirrorPercent: 0, noStableFallback: true });
    const traffic = startTraffic(api, model);
    await register(model, erring());
    const rolledBack = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    const stats = await traffic.stop();

    expect(stats.failed.length).toBeGreaterThan(0);
    expect(new Set(stats.failed.map((f) => f.code))).toEqual(new Set([13]));
    // Every failed request had a routing key in the candidate's 30% (the stable version's 70%
    // never failed), and no more failed than the candidate was measured to take.
    for (const f of stats.failed) expect(bucketOf(f.key)).toBeLessThan(3000);
    const { analyses } = await deployments.ListAnalyses({ deploymentId: rolledBack.id });
    const candidateRequests = analyses.reduce((n: number, a: { candidateRequests: number }) => n + a.candidateRequests, 0);
    expect(stats.failed.length).toBeLessThanOrEqual(candidateRequests + 50);
    expect(rolledBack.reason).toContain('error_rate');
  });

  it('rolls back a less accurate candidate on labels that arrive later', async () => {
    const model = await modelInProduction({ canarySteps: [50, 100], mirrorPercent: 0 });
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const traffic = startTraffic(api, model);
    let labelled = 0;
    const sending: Promise<unknown>[] = [];
    // Ground truth arrives a little later; here the truth is what the stable model predicts.
    const feed = setInterval(() => {
      const batch = traffic.stats.answered.slice(labelled);
      labelled += batch.length;
      const truth = (a: { version: string; label: number }) => (a.version === '1' ? a.label : 1 - a.label);
      if (batch.length > 0) {
        sending.push(producer.send({ topic: Topics.feedbackReceived.name, messages: batch.map((a) => ({ key: a.id, value: JSON.stringify({ requestId: a.id, modelName: model, label: truth(a) }), headers: { 'content-type': 'application/json' } })) }));
      }
    }, 200);
    await register(model, FLIPPED);
    const rolledBack = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_ROLLED_BACK');
    clearInterval(feed);
    await traffic.stop();
    await Promise.allSettled(sending);
    await producer.disconnect();

    expect(rolledBack.reason).toMatch(/accuracy 0\.0+ < stable 1\.00 − 0\.02/);
    const { analyses } = await deployments.ListAnalyses({ deploymentId: rolledBack.id });
    const accuracy = analyses.map((a: { checks: { name: string }[] }) => a.checks.find((c) => c.name === 'accuracy')).find((c: { verdict: string }) => c.verdict === 'VERDICT_FAIL');
    expect(accuracy).toMatchObject({ value: 0, stableValue: 1 });
    expect(accuracy.samples).toBeGreaterThanOrEqual(10);
  });

  it('in shadow mode never returns the candidate\'s output, records its divergence, and waits for an operator', async () => {
    const model = await modelInProduction({ strategy: 'STRATEGY_SHADOW', shadowIntervals: 2 });
    const traffic = startTraffic(api, model);
    await register(model, GOOD);
    const waiting = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_AWAITING_PROMOTION');
    const { analyses } = await deployments.ListAnalyses({ deploymentId: waiting.id });
    expect(analyses.filter((a: { verdict: string; phase: string }) => a.verdict === 'VERDICT_PASS' && a.phase === 'PHASE_SHADOW')).toHaveLength(2);
    expect(analyses.every((a: { candidateWeightPercent: number }) => a.candidateWeightPercent === 0)).toBe(true);
    const stats = await traffic.stop();
    expect(Object.keys(stats.byVersion)).toEqual(['1']);
    expect(stats.failed).toEqual([]);

    // The candidate's mirrored outputs reached the prediction log, marked as shadow.
    const logged: events.PredictionLogged[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.predictionsLogged.name, (batch) => {
      for (const m of batch) if (m.key?.toString().startsWith(`${model}/`)) logged.push(...Topics.predictionsLogged.codec.decode(m.value!).predictions);
      const served = new Set(logged.filter((p) => p.role === 'stable').map((p) => p.requestId));
      const shadows = logged.filter((p) => p.role === 'shadow');
      return shadows.length > 10 && shadows.every((p) => served.has(p.requestId));
    }, { what: 'shadow predictions beside the stable ones' });
    const shadow = logged.filter((p) => p.role === 'shadow');
    expect(shadow.length).toBeGreaterThan(10);
    expect(shadow.every((p) => p.version === 2 && p.deploymentId === waiting.id)).toBe(true);
    const served = new Set(logged.filter((p) => p.role === 'stable').map((p) => p.requestId));
    expect(shadow.every((p) => served.has(p.requestId))).toBe(true);
    expect(Object.keys(shadow[0].features).sort()).toEqual(['a', 'b', 'c']);

    const promoted = await deployments.PromoteDeployment({ modelName: model, reason: 'shadow looked right' }, asPrincipal('olivia'));
    expect(promoted.state).toBe('DEPLOYMENT_STATE_PROMOTING');
    await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROMOTED');
    expect(await production(model)).toBe(2);
  });

  it('lets operators pause, resume and roll back, and refuses what does not apply with a clear status', async () => {
    const model = await modelInProduction({ canarySteps: [10, 100], intervalSeconds: 30 });
    await register(model, GOOD);
    const started = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROGRESSING');
    expect(started.candidateWeightPercent).toBe(10);

    const refused = (p: Promise<unknown>) => p.then(() => undefined, (e: { code: number; details: string }) => e);
    expect(await refused(deployments.StartDeployment({ modelName: model, version: 1 }))).toMatchObject({ code: 9, details: expect.stringContaining('has an active deployment') });
    expect(await refused(deployments.ResumeDeployment({ modelName: model }))).toMatchObject({ code: 9, details: expect.stringContaining('only a paused deployment can be resumed') });
    expect(await refused(deployments.PauseDeployment({ modelName: 'no-such-model' }))).toMatchObject({ code: 5, details: 'model "no-such-model" has no active deployment' });
    expect(await refused(deployments.SetDeploymentPolicy({ modelName: model, canarySteps: [50, 20] }))).toMatchObject({ code: 3, details: expect.stringContaining('canary_steps must increase, got [50, 20]') });
    expect(await refused(deployments.GetDeployment({ id: '00000000-0000-0000-0000-000000000000' }))).toMatchObject({ code: 5 });

    const paused = await deployments.PauseDeployment({ modelName: model, reason: 'investigating' }, asPrincipal('olivia'));
    expect(paused).toMatchObject({ state: 'DEPLOYMENT_STATE_PAUSED', candidateWeightPercent: 10, reason: 'investigating (by olivia)', nextAnalysisAtMs: 0 });
    const resumed = await deployments.ResumeDeployment({ modelName: model });
    expect(resumed.state).toBe('DEPLOYMENT_STATE_PROGRESSING');
    const rolledBack = await deployments.RollbackDeployment({ modelName: model, reason: 'not today' }, asPrincipal('olivia'));
    expect(rolledBack).toMatchObject({ state: 'DEPLOYMENT_STATE_ROLLED_BACK', candidateWeightPercent: 0, reason: 'not today (by olivia)' });
    expect(await production(model)).toBe(1);

    // An operator may deploy the same version again, explicitly.
    const again = await deployments.StartDeployment({ modelName: model, version: 2, strategy: 'STRATEGY_BASIC' }, asPrincipal('olivia'));
    expect(again).toMatchObject({ strategy: 'STRATEGY_BASIC', state: 'DEPLOYMENT_STATE_PROMOTING', startedBy: 'olivia' });
    await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROMOTED');
    expect(await production(model)).toBe(2);
    const { deployments: all } = await deployments.ListDeployments({ modelName: model });
    expect(all.map((d: { state: string }) => d.state)).toEqual(['DEPLOYMENT_STATE_PROMOTED', 'DEPLOYMENT_STATE_ROLLED_BACK', 'DEPLOYMENT_STATE_PROMOTED']);
  });

  it('lists a model\'s deployments newest first, a page at a time', async () => {
    const model = await modelInProduction({ canarySteps: [10, 100], intervalSeconds: 30 });
    await register(model, GOOD);
    await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROGRESSING');
    await deployments.RollbackDeployment({ modelName: model });
    for (let i = 1; i <= 5; i++) {
      await deployments.StartDeployment({ modelName: model, version: 2, reason: `try ${i}` }, asPrincipal('olivia'));
      if (i < 5) await deployments.RollbackDeployment({ modelName: model });
    }
    type Listed = { id: string; startedBy: string; state: string };
    const all: Listed[] = (await deployments.ListDeployments({ modelName: model })).deployments;
    expect(all.map((d) => d.startedBy)).toEqual(['olivia', 'olivia', 'olivia', 'olivia', 'olivia', 'registry', 'registry']);
    expect(all.map((d) => d.state)).toEqual(['DEPLOYMENT_STATE_PROGRESSING', ...Array(5).fill('DEPLOYMENT_STATE_ROLLED_BACK'), 'DEPLOYMENT_STATE_PROMOTED']);

    const pages: Listed[][] = [];
    let pageToken = '';
    do {
      const page = await deployments.ListDeployments({ modelName: model, limit: 3, pageToken });
      pages.push(page.deployments);
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect((await deployments.ListDeployments({ modelName: model, limit: 7 })).nextPageToken).toBe('');
    const active = await deployments.ListDeployments({ modelName: model, activeOnly: true, limit: 1 });
    expect(active).toMatchObject({ deployments: [{ id: all[0]!.id }], nextPageToken: '' });

    const refused = (p: Promise<unknown>) => p.then(() => undefined, (e: { code: number; details: string }) => e);
    expect(await refused(deployments.ListDeployments({ limit: 501 }))).toMatchObject({ code: 3, details: expect.stringContaining('limit must be between 0 and 500') });
    expect((await deployments.ListDeployments({ limit: 500 })).deployments.length).toBeGreaterThanOrEqual(7);
    for (const token of ['not-a-token', Buffer.from(`1.${all[0]!.id}x`).toString('base64url')]) {
      expect(await refused(deployments.ListDeployments({ modelName: model, pageToken: token }))).toMatchObject({ code: 3, details: `page_token "${token}" is not one this service gave` });
    }
    await deployments.RollbackDeployment({ modelName: model });
  });

  it('waits with a promotion the registry refuses until it is approved, and lets operators abandon one', async () => {
    const model = newModel();
    await models.CreateRegisteredModel({ name: model, promotionPolicy: 'PROMOTION_POLICY_REQUIRES_APPROVAL' });
    await register(model, STABLE);
    const waiting = await waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: model });
      return d.state === 'DEPLOYMENT_STATE_PROMOTING' && d.reason.startsWith('promotion waits:') ? d : undefined;
    }, { what: 'the promotion to wait for approval' });
    expect(waiting.reason).toContain('approv');
    await models.ApproveVersion({ modelName: model, version: 1, alias: 'production', reason: 'reviewed' }, asPrincipal('carol'));
    await deploymentOf(model, 1, 'DEPLOYMENT_STATE_PROMOTED');
    expect(await production(model)).toBe(1);

    // Over a stable version, an unapproved candidate never takes all traffic: a basic deployment
    // waits at weight 0 (the stable version answers everything) until it is approved or abandoned.
    await deployments.SetDeploymentPolicy({ modelName: model, strategy: 'STRATEGY_BASIC', intervalSeconds: INTERVAL });
    await register(model, GOOD);
    const held = await waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: model });
      return d.candidateVersion === 2 && d.state === 'DEPLOYMENT_STATE_AWAITING_APPROVAL' ? d : undefined;
    }, { what: 'the second deployment to await approval' });
    expect(held).toMatchObject({ candidateWeightPercent: 0, stableVersion: 1, reason: expect.stringContaining('needs an approver') });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      api.ModelInfer({ modelName: model, parameters: { routing_key: { stringParam: `user-${i}` } }, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [0.1, 0.2, 0.3] } }] })));
    expect(new Set(answers.map((a: { modelVersion: string }) => a.modelVersion))).toEqual(new Set(['1']));
    const abandoned = await deployments.RollbackDeployment({ modelName: model, reason: 'not approved in time' }, asPrincipal('olivia'));
    expect(abandoned).toMatchObject({ state: 'DEPLOYMENT_STATE_ROLLED_BACK', candidateVersion: 2, reason: 'not approved in time (by olivia)' });
    expect(await production(model)).toBe(1);

    // A canary that passes its steps waits at the last one below 100 %; the approval promotes it.
    await deployments.SetDeploymentPolicy({ modelName: model, strategy: 'STRATEGY_CANARY', canarySteps: [40, 100], intervalSeconds: INTERVAL, thresholds: { minRequests: 10, minMirrored: 10, minLabels: 10 } });
    const traffic = startTraffic(api, model);
    await register(model, GOOD);
    const atLastStep = await waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: model });
      return d.candidateVersion === 3 && d.state === 'DEPLOYMENT_STATE_AWAITING_APPROVAL' ? d : undefined;
    }, { timeoutMs: 60_000, what: 'the canary to await approval' });
    expect(atLastStep.candidateWeightPercent).toBe(40);
    expect(await production(model)).toBe(1);
    await models.ApproveVersion({ modelName: model, version: 3, alias: 'production', reason: 'reviewed the canary' }, asPrincipal('carol'));
    await deploymentOf(model, 3, 'DEPLOYMENT_STATE_PROMOTED');
    await traffic.stop();
    expect(await production(model)).toBe(3);
  });

  it('ignores a replayed version event, and resumes a canary where it was after a restart', async () => {
    const model = await modelInProduction({ canarySteps: [10, 25, 50, 100], intervalSeconds: 2 });
    let traffic = startTraffic(api, model);
    await register(model, GOOD);
    const midway = await waitFor(async () => {
      const d = await deployments.GetDeployment({ modelName: model });
      return d.candidateVersion === 2 && d.step >= 1 && d.state === 'DEPLOYMENT_STATE_PROGRESSING' ? d : undefined;
    }, { timeoutMs: 30_000, what: 'the canary to reach its second step' });
    await traffic.stop();

    // The registry announces version 2 again (a replay with a new event id): no second rollout.
    // Nor does the first version's registration, read again.
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    for (const version of [2, 1]) {
      const value = Buffer.from(Topics.modelVersionRegistered.codec.encode({ modelName: model, version, artifactSha256: '', runId: '' }).finish());
      await producer.send({ topic: Topics.modelVersionRegistered.name, messages: [{ key: model, value, headers: { 'event-id': uniqueName('replay'), 'content-type': 'application/x-protobuf; type=mlops.events.v1.ModelVersionRegistered' } }] });
    }
    await producer.disconnect();
    for (const version of [2, 1]) await serving.proc.waitForLog((l) => l.msg === 'deployment already started by this trigger' && l.model === model && l.version === version, 20_000);

    // Killed, not stopped: nothing gets to finish gracefully.
    expect(await serving.proc.stop('SIGKILL')).toBe(null);
    api.close();
    deployments.close();
    serving = await startPlatformService('serving', { env: { ...servingEnv(), SERVING_DB_SCHEMA: serving.schema, SERVING_CONSUMER_GROUP: `serving-${serving.schema}` } });
    connect();
    const resumed = await deployments.GetDeployment({ modelName: model });
    expect(resumed).toMatchObject({ id: midway.id, state: 'DEPLOYMENT_STATE_PROGRESSING' });
    expect(resumed.step).toBeGreaterThanOrEqual(midway.step);

    traffic = startTraffic(api, model);
    const promoted = await deploymentOf(model, 2, 'DEPLOYMENT_STATE_PROMOTED', 60_000);
    const stats = await traffic.stop();
    expect(promoted.id).toBe(midway.id);
    expect(stats.failed).toEqual([]);
    const { analyses } = await deployments.ListAnalyses({ deploymentId: promoted.id });
    const weights = analyses.filter((a: { verdict: string }) => a.verdict === 'VERDICT_PASS').map((a: { candidateWeightPercent: number }) => a.candidateWeightPercent);
    expect(weights).toEqual([10, 25, 50, 100]);

    const { deployments: all } = await deployments.ListDeployments({ modelName: model });
    expect(all).toHaveLength(2);
  });
});

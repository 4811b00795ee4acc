import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningService, freePort, grpcClient, startPlatformService, testIssuer, testKafkaBrokers, uniqueName, waitFor, asPrincipal } from '@mlops/testing';

const MAIN = path.resolve(__dirname, '../dist/main.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function logistic(coef: [number, number, number]): Buffer {
  const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [coef], intercept: [-0.3] };
  return Buffer.from(exportOnnx(model));
}

/**
 * The built CLI as an operator runs it (a child process, addresses from env) against real
 * registry, serving and monitoring processes on the real broker and database.
 */
describe('mlops CLI against the running services', () => {
  let registry: RunningService;
  let serving: RunningService;
  let monitoring: RunningService;
  let artifactDir: string;
  let models: ReturnType<typeof grpcClient>;
  let env: Record<string, string>;
  const model = uniqueName('cli').replace(/_/g, '-');
  const saga = uniqueName('cli-saga');

  function mlops(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
    return new Promise((resolve) => {
      execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env, ...extraEnv }, timeout: 90_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function json(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const result = await mlops([...args, '--json']);
    if (result.code !== 0) throw new Error(`mlops ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  async function register(onnx: Buffer, correlationId: string): Promise<number> {
    const { sha256 } = await models.UploadArtifact([{ data: onnx }]);
    return (await models.CreateModelVersion({ modelName: model, artifactSha256: sha256, metrics: { accuracy: 0.9 } }, { 'x-correlation-id': correlationId, ...asPrincipal('cli-test') })).version;
  }

  const deploymentState = (version: number, state: string) =>
    waitFor(async () => {
      const d = await json(['deployments', 'get', model]);
      return d.candidateVersion === version && d.state === state ? d : undefined;
    }, { timeoutMs: 60_000, what: `deployment of v${version} to be ${state}` });

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'cli-it-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    [serving, monitoring] = await Promise.all([
      startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100' } }),
      startPlatformService('monitoring', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: `127.0.0.1:${await freePort()}` } }),
    ]);
    const nowhere = async () => `127.0.0.1:${await freePort()}`;
    env = {
      REGISTRY_GRPC_URL: registry.grpcAddress,
      SERVING_GRPC_URL: serving.grpcAddress,
      MONITORING_GRPC_URL: monitoring.grpcAddress,
      // The services this test does not start are unreachable on purpose (never a platform that happens to run).
      INGESTION_GRPC_URL: await nowhere(),
      FEATURE_STORE_GRPC_URL: await nowhere(),
      TRAINING_GRPC_URL: await nowhere(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      TZ: 'UTC',
      MLOPS_TOKEN: testIssuer().adminToken,
    };
    models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    await register(logistic([0.8, -0.4, 1.2]), saga);
  });

  afterAll(async () => {
    models?.close();
    await Promise.all([serving?.stop(), monitoring?.stop()]);
    await registry?.stop();
    if (artifactDir) await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('status reports the services it reaches as ready and the others as unreachable, exit 1', async () => {
    const some = await mlops(['status', 'registry', 'serving', 'monitoring']);
    expect(some.code).toBe(0);
    expect(some.stdout).toMatch(new RegExp(`registry +${registry.grpcAddress.replace(/\./g, '\\.')} +ready +0\\.1\\.0 .* kafka ok, postgres ok`));
    const all = await mlops(['status', '--json']);
    expect(all.code).toBe(1);
    const statuses = JSON.parse(all.stdout).services as { service: string; ready: boolean; reachable: boolean; error?: string }[];
    expect(statuses.filter((s) => s.ready).map((s) => s.service)).toEqual(['registry', 'serving', 'monitoring']);
    expect(statuses.find((s) => s.service === 'training')).toMatchObject({ reachable: false, error: 'cannot connect: connection refused' });
  });

  it('lists models and shows a version, for people and as JSON', async () => {
    const { models: listed } = await json(['models', 'list']);
    expect(listed).toContainEqual(expect.objectContaining({ name: model, latestVersion: 1, promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC' }));

    const version = await json(['versions', 'get', model, '1']);
    expect(version).toMatchObject({ modelName: model, version: 1, status: 'VERSION_STATUS_READY', metrics: { accuracy: 0.9 }, signature: { featureNames: ['a', 'b', 'c'] } });
    const human = await mlops(['versions', 'get', model, '1']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^model: +t-cli-/m);
    expect(human.stdout).toMatch(/^status: +ready$/m);
    expect(human.stdout).toMatch(/^input +input +FP32 +\[-1, 3\]$/m);
    expect(human.stdout).toMatch(/^output +probabilities +FP32 +\[-1, 2\]$/m);
  });

  it('follows the first version to production: deployment, alias, timeline', async () => {
    const promoted = await deploymentState(1, 'DEPLOYMENT_STATE_PROMOTED');
    expect(promoted).toMatchObject({ strategy: 'STRATEGY_BASIC', startedBy: 'registry', correlationId: saga });
    const human = await mlops(['deployments', 'get', model]);
    expect(human.stdout).toMatch(/^state: +promoted$/m);
    expect(human.stdout).toMatch(/^reason: +promoted: production is version 1$/m);
    expect((await json(['versions', 'get', model, 'production'])).version).toBe(1);

    // Monitoring records each event of the saga under the correlation id the version was registered with.
    const timeline = await waitFor(async () => {
      const result = await mlops(['timeline', saga, '--utc']);
      return result.code === 0 && result.stdout.includes('deployment.promoted') ? result : undefined;
    }, { timeoutMs: 60_000, what: 'the saga in the timeline' });
    const lines = timeline.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \+0ms +registry +version\.registered +v1 +version 1 registered$/);
    expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} \+\S+ +serving +deployment\.promoted +v1 /.test(l))).toBe(true);
    expect(timeline.stdout).toMatch(/^total \S+: promoted \(version 1\)$/m);
    // Nothing more will happen in this saga: --follow prints it and ends at once.
    const follow = await mlops(['timeline', saga, '--follow', '--timeout', '30']);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toContain('deployment.promoted');
  });

  it('tails a real event, decoded from protobuf by its content-type', async () => {
    const result = await mlops(['tail', 'registry.model-version.registered.v1', '--from-beginning', '--key', model, '--count', '1', '--timeout', '60', '--json']);
    expect(result.code).toBe(0);
    const message = JSON.parse(result.stdout.trim());
    expect(message).toMatchObject({
      topic: 'registry.model-version.registered.v1',
      key: model,
      format: 'protobuf',
      messageType: 'mlops.events.v1.ModelVersionRegistered',
      headers: { 'x-correlation-id': saga, producer: 'registry', 'content-type': 'application/x-protobuf; type=mlops.events.v1.ModelVersionRegistered' },
      value: { modelName: model, version: 1 },
    });
  });

  it('sets aliases and policies, and drives a canary by hand: pause, then roll back', async () => {
    const alias = await mlops(['alias', 'set', model, 'candidate', '1', '--reason', 'cli test']);
    expect(alias.stdout).toBe(`${model}: candidate → version 1 (aliases of v1: candidate, production)\n`);

    const policy = await json(['deployments', 'policy', 'set', model, '--strategy', 'canary', '--canary-steps', '50,100', '--interval-seconds', '1', '--min-requests', '1000']);
    expect(policy).toMatchObject({ modelName: model, strategy: 'STRATEGY_CANARY', canarySteps: [50, 100], intervalSeconds: 1, thresholds: { minRequests: 1000 } });
    expect((await json(['deployments', 'policy', 'get', model])).canarySteps).toEqual([50, 100]);

    // Version 2 starts a canary that no traffic can pass (min 1000 requests): it waits for the operator.
    const saga2 = uniqueName('cli-saga');
    await register(logistic([0.82, -0.41, 1.19]), saga2);
    await deploymentState(2, 'DEPLOYMENT_STATE_PROGRESSING');
    const paused = await mlops(['deployments', 'pause', model, '--reason', 'looking'], { MLOPS_TOKEN: testIssuer().token('olivia', ['engineer']) });
    expect(paused.stdout).toMatch(new RegExp(`^${model}: deployment \\S{8} of version 2 is paused `));
    const rolledBack = await mlops(['deployments', 'rollback', model, '--reason', 'not today']);
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain('of version 2 is rolled_back');
    expect((await json(['versions', 'get', model, 'production'])).version).toBe(1);

    const listed = await mlops(['deployments', 'list', '--model', model]);
    expect(listed.stdout.split('\n')[0]).toMatch(/^DEPLOYMENT +MODEL +STRATEGY +STATE +STABLE +CANDIDATE +WEIGHT +UPDATED +REASON$/);
    expect(listed.stdout).toMatch(new RegExp(`${model} +canary +rolled_back +1 +2 `));

    // The second saga ends with the rollback: --follow stops there and sums up.
    const follow = await mlops(['timeline', saga2, '--follow', '--timeout', '60', '--utc']);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toMatch(/serving +deployment\.rolled_back +v2 /);
    expect(follow.stdout).toMatch(/^total \S+: rolled back \(version 2\)$/m);
  });

  it('exits 1 naming what the service refused, or which service it could not reach', async () => {
    const missing = await mlops(['models', 'get', `${model}-nope`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`error: NOT_FOUND: model "${model}-nope" does not exist (registry at ${registry.grpcAddress})\n`);

    const noVersion = await mlops(['versions', 'get', model, '9']);
    expect(noVersion.stderr).toBe(`error: NOT_FOUND: model "${model}" has no version 9 (registry at ${registry.grpcAddress})\n`);

    const down = await mlops(['models', 'list'], { REGISTRY_GRPC_URL: env.TRAINING_GRPC_URL });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`error: UNAVAILABLE: cannot reach registry at ${env.TRAINING_GRPC_URL} (connection refused): is it running, and is REGISTRY_GRPC_URL right?\n`);
  });

  it('issues keys and tokens, and shows who changed what across the services, refusals included', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'cli-auth-'));
    try {
      const init = JSON.parse((await mlops(['auth', 'init', '--dir', dir, '--json'])).stdout);
      expect(init).toMatchObject({ newIssuerKey: true, adminToken: path.join(dir, 'tokens/admin.token') });
      expect((await fs.stat(path.join(dir, 'issuer.key'))).mode & 0o777).toBe(0o600);
      expect((await fs.readFile(path.join(dir, 'tokens/serving.token'), 'utf8')).split('.')).toHaveLength(3);
      // Tokens from another issuer: the running services do not trust them.
      const foreign = await mlops(['models', 'list'], { MLOPS_TOKEN: '', MLOPS_TOKEN_FILE: init.adminToken });
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toContain('UNAUTHENTICATED');
      expect(foreign.stderr).toContain("refused the credentials (missing or invalid credentials): set MLOPS_TOKEN_FILE or MLOPS_TOKEN to a valid token ('mlops auth token')");
      const issued = await mlops(['auth', 'token', '--sub', 'vera', '--roles', 'viewer', '--ttl', '15m', '--key', path.join(dir, 'issuer.key')]);
      expect(issued.stdout.trim().split('.')).toHaveLength(3);
      expect((await mlops(['auth', 'token', '--sub', 'vera', '--roles', 'root', '--key', path.join(dir, 'issuer.key')])).code).toBe(2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    // A viewer may read but not move an alias; the refusal and olivia's pause are in the merged log.
    const viewer = testIssuer().token(`vera-${uniqueName('v')}`, ['viewer']);
    expect((await mlops(['models', 'list'], { MLOPS_TOKEN: viewer })).code).toBe(0);
    const refused = await mlops(['alias', 'set', model, 'production', '1'], { MLOPS_TOKEN: viewer });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/PERMISSION_DENIED: vera-\S+ may not call SetAlias: it needs the approver role/);
    const log = await json(['audit-log', 'registry', 'serving', '--limit', '200']);
    const actions = log.records.map((r: { principal: string; action: string; outcome: string; service: string }) => `${r.service} ${r.principal} ${r.action} ${r.outcome}`);
    expect(actions).toEqual(expect.arrayContaining([
      expect.stringMatching(/^registry vera-\S+ \/mlops.registry.v1.RegistryService\/SetAlias PERMISSION_DENIED$/),
      'serving olivia /mlops.serving.v1.DeploymentService/PauseDeployment OK',
      'registry cli-test /mlops.registry.v1.RegistryService/CreateModelVersion OK',
    ]));
    // Serving moved the production alias as itself when version 1 went live: the API record and
    // the registry's governance event of the same move.
    expect(actions).toContain('registry service:serving /mlops.registry.v1.RegistryService/SetAlias OK');
    expect(actions).toContain('registry service:serving registry:alias.set OK');
    const apiOnly = await json(['audit-log', 'registry', '--api-only', '--limit', '200']);
    expect(apiOnly.records.some((r: { action: string }) => r.action.startsWith('registry:'))).toBe(false);
  });

  it('exits 2 on a usage error, before calling anything', async () => {
    const usage = await mlops(['versions', 'get', model]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("error: missing <version>\nRun 'mlops versions get --help' for usage.\n");
    const unknown = await mlops(['deploy', 'list']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command "deploy"; expected one of: status, datasets, /);
    expect((await mlops(['deployments', 'policy', 'set', model, '--canary-steps', 'ten'])).code).toBe(2);
  });
});

import * as grpc from '@grpc/grpc-js';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { Client } from 'pg';
import { type RunningService, type TestCertificates, grpcClient, makeTestCertificates, startPlatformService, testDatabaseUrl, testIssuer, uniqueName, waitFor } from '@mlops/testing';

/**
 * Mutual TLS between the services and with clients, under the bearer tokens: serving loads a
 * model from the registry and moves its production alias over mTLS, as its own identity; a
 * client without a certificate of the platform's CA gets no connection at all.
 */
describe('mutual TLS and service identities', () => {
  let certs: TestCertificates;
  let other: TestCertificates;
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  const modelName = uniqueName('tls').replace(/_/g, '-');
  const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [[0.8, -0.4, 1.2]], intercept: [-0.3] };
  const tlsAs = (c: TestCertificates, name: string) => grpc.credentials.createSsl(readFileSync(c.caFile), readFileSync(c.of(name).keyFile), readFileSync(c.of(name).certFile));
  const infer = { modelName, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [0.1, 0.2, 0.3] } }] };

  beforeAll(async () => {
    certs = makeTestCertificates(['registry', 'serving', 'operator']);
    other = makeTestCertificates(['intruder']);
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'tls-it-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, ...certs.env('registry') } });
    serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, ...certs.env('serving') } });
  });
  afterAll(async () => {
    await serving?.stop();
    await registry?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
    for (const c of [certs, other]) if (c) await fs.rm(c.dir, { recursive: true, force: true });
  });

  it('serves a model registered over mTLS, the services calling each other as themselves', async () => {
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService', { credentials: tlsAs(certs, 'operator') });
    const api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService', { credentials: tlsAs(certs, 'operator') });
    const platform = grpcClient(registry.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService', { credentials: tlsAs(certs, 'operator') });
    try {
      const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(model)) }]);
      await models.CreateModelVersion({ modelName, artifactSha256: sha256 });
      // Serving hears of the version, makes it live (moving the alias in the registry) and loads it from there.
      const answer = await waitFor(() => api.ModelInfer(infer).catch(() => undefined), { timeoutMs: 60_000, what: 'v1 served over mTLS' });
      expect(answer).toMatchObject({ modelName, modelVersion: '1' });
      // The deployment's promotion (moving production) follows the switch of traffic.
      const calls = await waitFor(async () => {
        const { records } = await platform.ListAuditRecords({ principal: 'service:serving' });
        const seen = records.map((r: { action: string; outcome: string; roles: string[] }) => `${r.action} ${r.outcome} ${r.roles}`);
        return seen.length > 0 && seen;
      }, { timeoutMs: 30_000, what: "serving's SetAlias in the registry's audit log" });
      expect(calls).toEqual(['/mlops.registry.v1.RegistryService/SetAlias OK approver']);
      // Under TLS the token is still needed.
      const noToken = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService', { credentials: tlsAs(certs, 'operator'), token: null });
      await expect(noToken.ModelInfer(infer)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      noToken.close();
    } finally {
      models.close();
      api.close();
      platform.close();
    }
  });

  it('gives no connection to plaintext clients, clients without a certificate, or certificates of another CA', async () => {
    const attempts: Record<string, grpc.ChannelCredentials> = {
      plaintext: grpc.credentials.createInsecure(),
      'no client certificate': grpc.credentials.createSsl(readFileSync(certs.caFile)),
      // Trusts the platform's CA (so it accepts the server) but presents a certificate of another.
      'another CA': grpc.credentials.createSsl(readFileSync(certs.caFile), readFileSync(other.of('intruder').keyFile), readFileSync(other.of('intruder').certFile)),
    };
    const outcomes: Record<string, number | undefined> = {};
    for (const [what, credentials] of Object.entries(attempts)) {
      const api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService', { credentials });
      outcomes[what] = await api.ServerLive({}).then(() => undefined, (e: { code: number }) => e.code);
      api.close();
    }
    console.log(`mTLS refusals by status: ${JSON.stringify(outcomes)}`);
    expect(outcomes).toEqual({ plaintext: grpc.status.UNAVAILABLE, 'no client certificate': grpc.status.UNAVAILABLE, 'another CA': grpc.status.UNAVAILABLE });
    // The service itself is fine: a client with the platform's certificate still gets in.
    const ok = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService', { credentials: tlsAs(certs, 'operator') });
    expect(await ok.ServerLive({})).toEqual({ live: true });
    ok.close();
  });

  it('keeps each identity to its roles: an engineer registers but may not move production', async () => {
    const engineerName = `eng-${uniqueName('e')}`;
    const engineer = testIssuer().token(engineerName, ['engineer']);
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService', { credentials: tlsAs(certs, 'operator'), token: engineer });
    try {
      const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx({ ...model, intercept: [0.1] })) }]);
      expect((await models.CreateModelVersion({ modelName: `${modelName}-b`, artifactSha256: sha256 })).version).toBe(1);
      await expect(models.SetAlias({ modelName: `${modelName}-b`, alias: 'production', version: 1 })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('needs the approver role') });
      await expect(models.ListAuditEvents({ modelName })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
      await expect(models.CreateModelVersion({ modelName: `${modelName}-b`, artifactSha256: 'f'.repeat(64) }, { 'x-correlation-id': 'eng-missing-artifact' })).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    } finally {
      models.close();
    }
    // Every change the engineer asked for is in the registry's audit log with its outcome, newest first.
    const platform = grpcClient(registry.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService', { credentials: tlsAs(certs, 'operator') });
    const { records } = await platform.ListAuditRecords({ principal: engineerName });
    platform.close();
    expect(records.map((r: { action: string; outcome: string }) => `${r.action.split('/').pop()} ${r.outcome}`)).toEqual([
      'CreateModelVersion FAILED_PRECONDITION',
      'ListAuditEvents PERMISSION_DENIED',
      'SetAlias PERMISSION_DENIED',
      'CreateModelVersion OK',
      'UploadArtifact OK',
    ]);
    expect(records[0]).toMatchObject({ requestId: 'eng-missing-artifact', roles: ['engineer'], peer: expect.stringContaining('127.0.0.1') });
    expect(JSON.parse(records[0].requestJson)).toMatchObject({ modelName: `${modelName}-b` });
    expect(records[4].requestJson).toMatch(/"data":"<\d+ bytes>"/);
  });

  it('keeps the ways around an approval to approvers: the promotion policy, a basic deployment', async () => {
    const engineer = testIssuer().token(`eng2-${uniqueName('e')}`, ['engineer']);
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService', { credentials: tlsAs(certs, 'operator'), token: engineer });
    const deployments = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService', { credentials: tlsAs(certs, 'operator'), token: engineer });
    const approver = testIssuer().token(`appr-${uniqueName('a')}`, ['approver']);
    const approverDeployments = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService', { credentials: tlsAs(certs, 'operator'), token: approver });
    try {
      await expect(models.UpdateRegisteredModel({ name: modelName, description: 'tidied' })).resolves.toMatchObject({ description: 'tidied' });
      await expect(models.UpdateRegisteredModel({ name: modelName, promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC' })).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
        details: expect.stringContaining('may not change the promotion policy of a model: it needs the approver role'),
      });
      await expect(deployments.StartDeployment({ modelName, version: 1, strategy: 'STRATEGY_BASIC' })).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
        details: expect.stringContaining('may not start a basic deployment'),
      });
      // Unspecified is the policy's default: where an approver made that basic, the engineer's
      // STRATEGY_UNSPECIFIED start is the same basic deployment, and refused the same way.
      await approverDeployments.SetDeploymentPolicy({ modelName, strategy: 'STRATEGY_BASIC' });
      await expect(deployments.StartDeployment({ modelName, version: 1, strategy: 'STRATEGY_UNSPECIFIED' })).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
        details: expect.stringContaining('may not start a basic deployment'),
      });
      await approverDeployments.SetDeploymentPolicy({ modelName, strategy: 'STRATEGY_CANARY' });
    } finally {
      models.close();
      deployments.close();
      approverDeployments.close();
    }
    // A service's own token cannot do what its role would allow but its job does not need.
    const asTraining = grpcClient(serving.grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService', { credentials: tlsAs(certs, 'operator'), token: testIssuer().token('service:training', ['engineer']) });
    await expect(asTraining.PauseDeployment({ modelName })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    asTraining.close();
  });

  it('keeps audit records append-only in the database itself', async () => {
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const table = `"${registry.schema}".audit_records`;
      expect(Number((await db.query(`SELECT count(*) FROM ${table}`)).rows[0].count)).toBeGreaterThan(0);
      await expect(db.query(`UPDATE ${table} SET outcome = 'OK'`)).rejects.toThrow(/append-only \(UPDATE refused\)/);
      await expect(db.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only \(DELETE refused\)/);
      await expect(db.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    } finally {
      await db.end();
    }
  });
});

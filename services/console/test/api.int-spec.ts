import { exportOnnx } from '@mlops/ml';
import { issueToken, generateIssuerKeys } from '@mlops/auth';
import { type RunningPlatform, type RunningService, grpcClient, startConsole, startPlatform, testIssuer, uniqueName, waitFor } from '@mlops/testing';
import { type SseEvent, openStream } from './sse';

/**
 * The console's API against the six real services and the console as processes: it calls each
 * service with the caller's own token (never one of its own, even with an admin token in its
 * environment), passes a service's refusal on in the service's words, checks every query
 * parameter, and streams the platform's events live, bounded and ending with the token.
 */
describe('console API', () => {
  let platform: RunningPlatform;
  let consoleService: RunningService;
  const issuer = testIssuer();
  const admin = issuer.adminToken;
  const viewer = issuer.token('vera', ['viewer']);
  const approver = issuer.token('abe', ['approver']);
  const model = uniqueName('console-m').replace(/_/g, '-');

  const call = async (path: string, options: { token?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const token = options.token === undefined ? admin : options.token;
    const response = await fetch(`${consoleService.httpUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json: json as Record<string, unknown> & { code?: string; message?: string }, headers: response.headers };
  };

  const registerVersion = async () => {
    const registry = grpcClient(platform.service('registry').grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    try {
      const onnx = exportOnnx({ kind: 'logistic_regression', featureNames: ['a', 'b'], classes: [0, 1], coef: [[1, -1]], intercept: [0] });
      const { sha256 } = await registry.UploadArtifact([{ data: Buffer.from(onnx) }]);
      return (await registry.CreateModelVersion({ modelName: model, artifactSha256: sha256, featureNames: ['a', 'b'], tags: { team: 'console' } })).version as number;
    } finally {
      registry.close();
    }
  };

  beforeAll(async () => {
    platform = await startPlatform();
    // An admin token in the console's environment must change nothing: it calls with the caller's.
    consoleService = await startConsole(platform, { CONSOLE_MAX_STREAMS: '3', MLOPS_TOKEN: admin });
  }, 180_000);

  afterAll(async () => {
    await consoleService?.stop();
    await platform?.stop();
  });

  it('tells the person signing in who their token says they are, or why it is refused', async () => {
    const ok = await call('/api/session', { token: issuer.token('amy', ['approver', 'engineer']) });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ subject: 'amy', roles: ['approver', 'engineer'], authDisabled: false, can: { promoteDeployment: true, pauseDeployment: true, readAuditLog: true } });
    expect(ok.json.expiresAtMs as number).toBeGreaterThan(Date.now());

    const expired = await call('/api/session', { token: issuer.token('old', ['viewer'], 3600, Math.floor(Date.now() / 1000) - 2 * 3600) });
    expect(expired).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED', reason: 'expired' } });
    expect(expired.json.message).toMatch(/expired/);
    const foreign = await call('/api/session', { token: issueToken(generateIssuerKeys().privateKeyPem, { sub: 'mallory', roles: ['admin'], ttlSeconds: 600 }) });
    expect(foreign).toMatchObject({ status: 401, json: { reason: 'invalid', message: 'the token is not one this platform issued, or it is malformed' } });
    expect((await call('/api/session', { token: null })).json.message).toBe('no token was given');
  });

  it('refuses every API call without a valid token, and serves the web app to anyone', async () => {
    expect((await call('/api/models', { token: null })).status).toBe(401);
    expect((await call('/api/models', { token: 'not.a.token' })).status).toBe(401);
    expect((await call('/api/events', { token: null })).status).toBe(401);

    const page = await call('/models/anything?x=1', { token: null });
    expect(page.status).toBe(200);
    expect(String(page.json)).toContain('<div id="root"></div>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await call('/assets/no-such-file.js', { token: null })).status).toBe(404);
    expect((await call('/api/no-such-route')).status).toBe(404);
  });

  it("calls the services with the caller's own token: a viewer's change is refused by the registry, and audited under the viewer", async () => {
    const version = await registerVersion();
    const refused = await call(`/api/models/${model}/aliases`, { token: viewer, method: 'POST', body: { alias: 'production', version, reason: 'forged' } });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'PERMISSION_DENIED', service: 'registry', method: 'SetAlias' });
    expect(refused.json.message).toMatch(/vera may not .*approver/);

    const moved = await call(`/api/models/${model}/aliases`, { token: approver, method: 'POST', body: { alias: 'champion', version, reason: 'reviewed' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ modelName: model, version, aliases: expect.arrayContaining(['champion']) });

    const audit = grpcClient(platform.service('registry').grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    const { records } = await audit.ListAuditRecords({ actionPrefix: '/mlops.registry.v1.RegistryService/SetAlias', pageSize: 10 });
    audit.close();
    expect(records.map((r: { principal: string; outcome: string }) => `${r.principal} ${r.outcome}`)).toEqual(expect.arrayContaining(['vera PERMISSION_DENIED', 'abe OK']));
    // Nothing ran as the admin token of the console's environment.
    expect(records.some((r: { principal: string }) => r.principal === 'test-admin')).toBe(false);

    const detail = await call(`/api/models/${model}/versions/${version}`, { token: viewer });
    expect(detail.status).toBe(200);
    const nodes = (detail.json.lineage as { nodes: { kind: string; label: string }[] }).nodes;
    expect(nodes.slice(0, 2)).toEqual([expect.objectContaining({ kind: 'upload' }), expect.objectContaining({ kind: 'version', label: `version ${version}` })]);
  });

  it('names the bad parameter of a bad request, and passes NOT_FOUND on', async () => {
    expect(await call('/api/runs?pageSize=5000')).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT', message: 'pageSize must be a whole number from 1 to 1000, got "5000"' } });
    expect(await call('/api/audit?service=nope')).toMatchObject({ status: 400, json: { message: expect.stringContaining('unknown service "nope"') } });
    expect(await call('/api/audit?pageToken=garbage')).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('page_token is not one this console gave') } });
    expect(await call('/api/metric-histories', { method: 'POST', body: { runIds: Array.from({ length: 1001 }, (_, i) => `r${i}`), key: 'loss' } })).toMatchObject({ status: 400, json: { message: 'runIds lists 1001 runs; at most 1000' } });
    expect(await call('/api/deployments/00000000-0000-0000-0000-000000000000/explode', { method: 'POST', body: {} })).toMatchObject({ status: 400, json: { message: expect.stringContaining('unknown action "explode"') } });
    expect(await call('/api/models/no-such-model')).toMatchObject({ status: 404, json: { code: 'NOT_FOUND', service: 'registry' } });
    expect(await call(`/api/models/${model}/aliases`, { method: 'POST', body: { alias: 'x', version: 'one' } })).toMatchObject({ status: 400, json: { message: 'version must be a whole number from 1' } });
  });

  it('pages the merged audit log with one cursor, newest first, each record once', async () => {
    const first = await call('/api/audit?pageSize=3', { token: approver });
    expect(first.status).toBe(200);
    const page1 = first.json.records as { atMs: number; service: string; id: number; action: string }[];
    expect(page1).toHaveLength(3);
    const second = await call(`/api/audit?pageSize=3&pageToken=${first.json.nextPageToken}`, { token: approver });
    const page2 = second.json.records as typeof page1;
    const key = (r: (typeof page1)[0]) => `${r.service}/${r.action.startsWith('registry:') ? 'g' : 'a'}/${r.id}`;
    expect(page2.filter((r) => page1.some((p) => key(p) === key(r)))).toEqual([]);
    expect(Math.max(...page2.map((r) => r.atMs))).toBeLessThanOrEqual(Math.min(...page1.map((r) => r.atMs)));
    // A viewer may not read audit logs: the services say so.
    expect(await call('/api/audit', { token: viewer })).toMatchObject({ status: 403, json: { code: 'PERMISSION_DENIED' } });
  });

  it('streams the platform events live: a new version and its rollout arrive as saga steps, and a reconnect resumes', async () => {
    const stream = await openStream(`${consoleService.httpUrl}/api/events`, viewer);
    try {
      const version = await registerVersion();
      const registered = await stream.next((e) => e.event === 'platform' && e.data.step?.kind === 'version.registered' && e.data.modelName === model && e.data.step?.version === version);
      expect(registered.data).toMatchObject({ kind: 'step', topic: 'registry.model-version.registered.v1', step: { service: 'registry', summary: `version ${version} registered` } });
      expect(registered.id).toBe(String(registered.data.seq));
      const rollout = await stream.next((e) => e.event === 'platform' && e.data.modelName === model && String(e.data.step?.kind).startsWith('deployment.') && e.data.step?.version === version);
      expect(rollout.data.step).toMatchObject({ service: 'serving', details: { strategy: expect.any(String) } });

      const again = await openStream(`${consoleService.httpUrl}/api/events`, viewer, { lastEventId: String(Number(registered.id) - 1) });
      try {
        expect((await again.next((e) => e.event === 'platform')).id).toBe(registered.id);
      } finally {
        again.close();
      }
    } finally {
      stream.close();
    }
  });

  it('holds at most CONSOLE_MAX_STREAMS streams, and ends each when its token expires', async () => {
    const short = issuer.token('brief', ['viewer'], 2);
    const ending = await openStream(`${consoleService.httpUrl}/api/events`, short);
    const open = [ending, await openStream(`${consoleService.httpUrl}/api/events`, viewer), await openStream(`${consoleService.httpUrl}/api/events`, viewer)];
    try {
      const refused = await call('/api/events', { token: viewer });
      expect(refused).toMatchObject({ status: 503, json: { code: 'RESOURCE_EXHAUSTED' } });
      const expired: SseEvent = await ending.next((e) => e.event === 'session-expired', 10_000);
      expect(expired.data.message).toMatch(/expired/);
      await waitFor(async () => ending.ended, { timeoutMs: 5000, what: 'the expired stream to end' });
      // Its place is free again.
      const next = await openStream(`${consoleService.httpUrl}/api/events`, viewer);
      next.close();
    } finally {
      for (const s of open) s.close();
    }
  });

  it('stops promptly with streams open: each ends with a shutdown event, and the process exits cleanly', async () => {
    const second = await startConsole(platform);
    const stream = await openStream(`${second.httpUrl}/api/events`, viewer);
    const started = Date.now();
    const code = await second.stop();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await stream.next((e) => e.event === 'shutdown', 1000)).data.message).toMatch(/stopping/);
    expect(second.proc.logs.some((l) => l.msg === 'graceful stop took too long, exiting')).toBe(false);
  });
});

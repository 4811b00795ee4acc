/// <reference types="jest" />
// Uses the Jest globals of the test that calls it (importing @jest/globals would make the
// whole library unusable outside Jest, e.g. in bench/).
import { generateIssuerKeys, issueToken } from '@mlops/auth';
import { testIssuer } from './auth';
import { grpcClient } from './grpc-client';
import { uniqueName } from './infra';
import { type RunningService, envPrefixOf, startPlatformService } from './platform-service';
import { ServiceProcess, httpGet } from './service-process';

/**
 * What every platform service must do, checked against its real process, the real broker and
 * the real database: HTTP health and metrics, gRPC health and status, authentication and role
 * checks with their audit records, and a clear exit on bad configuration. Each service's test/service.int-spec.ts runs this suite.
 */
export function describeServiceBasics(name: string): void {
  describe(`${name} service basics`, () => {
    let service: RunningService;

    beforeAll(async () => {
      service = await startPlatformService(name);
    });
    afterAll(async () => {
      expect(await service?.stop()).toBe(0);
    });

    it('answers /health/live and /health/ready with its dependencies', async () => {
      expect((await httpGet(`${service.httpUrl}/health/live`)).status).toBe(200);
      const ready = await httpGet(`${service.httpUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({
        status: 'ready',
        dependencies: [
          { name: 'kafka', ready: true },
          { name: 'postgres', ready: true },
        ],
      });
    });

    it('exposes Prometheus metrics, its own and the defaults', async () => {
      const metrics = await httpGet(`${service.httpUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain(`mlops_dependency_up{dependency="kafka",service="${name}"} 1`);
      expect(metrics.body).toContain('# TYPE mlops_grpc_server_duration_seconds histogram');
      expect(metrics.body).toContain('# TYPE mlops_outbox_backlog gauge');
      expect(metrics.body).toContain('process_cpu_user_seconds_total');
    });

    it('serves gRPC health and platform status over a real socket', async () => {
      const health = grpcClient(service.grpcAddress, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health');
      const platform = grpcClient(service.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
      try {
        expect(await health.Check({ service: '' })).toEqual({ status: 'SERVING' });
        const status = await platform.GetStatus({}, { 'x-correlation-id': 'basics-check-1' });
        expect(status).toMatchObject({ service: name, ready: true, correlationId: 'basics-check-1' });
        expect((status.dependencies as { name: string }[]).map((d) => d.name)).toEqual(['kafka', 'postgres']);
        const metrics = await httpGet(`${service.httpUrl}/metrics`);
        expect(metrics.body).toMatch(/mlops_grpc_server_requests_total\{method="Platform\/getStatus",code="OK",service="[a-z-]+"\} 1/);
      } finally {
        health.close();
        platform.close();
      }
    });

    it('refuses calls without valid credentials, saying nothing more, and leaves only the probes open', async () => {
      const platformAs = (token: string | null) => grpcClient(service.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService', { token });
      const stranger = generateIssuerKeys();
      const tokens: Record<string, string | null> = {
        missing: null,
        expired: testIssuer().token('expired-user', ['admin'], 60, Date.now() - 3600_000),
        'unknown-key': issueToken(stranger.privateKeyPem, { sub: 'stranger', roles: ['admin'], ttlSeconds: 600 }),
        malformed: 'not-a-token',
      };
      const health = grpcClient(service.grpcAddress, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health', { token: null });
      try {
        for (const [reason, token] of Object.entries(tokens)) {
          const client = platformAs(token);
          const error = await client.GetStatus({}).then(() => undefined, (e: { code: number; details: string }) => e);
          client.close();
          expect({ reason, code: error?.code, details: error?.details }).toEqual({ reason, code: 16, details: 'missing or invalid credentials' });
        }
        expect(await health.Check({ service: '' })).toEqual({ status: 'SERVING' });
      } finally {
        health.close();
      }
      const anonymous = await httpGet(`${service.httpUrl}/metrics`, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(anonymous.body).not.toContain('mlops_');
      expect((await httpGet(`${service.httpUrl}/health/ready`, {})).status).toBe(200);
      const metrics = (await httpGet(`${service.httpUrl}/metrics`)).body;
      for (const reason of Object.keys(tokens)) expect(metrics).toMatch(new RegExp(`mlops_auth_refusals_total\\{transport="grpc",reason="${reason}",service="${name}"\\} [1-9]`));
      expect(metrics).toMatch(new RegExp(`mlops_auth_refusals_total\\{transport="http",reason="missing",service="${name}"\\} [1-9]`));
    });

    it('checks the role of each call and audits refusals under the verified principal', async () => {
      const viewer = `viewer-${uniqueName('u')}`;
      const asViewer = grpcClient(service.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService', { token: testIssuer().token(viewer, ['viewer']) });
      const asAdmin = grpcClient(service.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
      try {
        expect(await asViewer.GetStatus({})).toMatchObject({ service: name });
        // The viewer claims to be someone else in x-principal: the token's subject is what counts.
        const denied = await asViewer.ListAuditRecords({}, { 'x-principal': 'test-admin', 'x-correlation-id': `${viewer}-req` }).then(() => undefined, (e: { code: number; details: string }) => e);
        expect(denied).toMatchObject({ code: 7, details: `${viewer} may not call ListAuditRecords: it needs the approver role` });
        const { records } = await asAdmin.ListAuditRecords({ principal: viewer });
        expect(records).toEqual([
          expect.objectContaining({ service: name, principal: viewer, roles: ['viewer'], action: '/mlops.platform.v1.PlatformService/ListAuditRecords', outcome: 'PERMISSION_DENIED', requestId: `${viewer}-req` }),
        ]);
        expect((await asAdmin.ListAuditRecords({ principal: 'test-admin', actionPrefix: '/mlops.platform.v1.PlatformService/ListAuditRecords' })).records).toEqual([]);
      } finally {
        asViewer.close();
        asAdmin.close();
      }
    });

    it('exits at start with a message naming an invalid variable', async () => {
      const prefix = envPrefixOf(name);
      const proc = new ServiceProcess(name, { [`${prefix}_GRPC_PORT`]: 'not-a-port', KAFKA_BROKERS: 'localhost' }).start();
      expect(await proc.exitCode()).toBe(78);
      expect(proc.stderr).toContain(`${prefix}_GRPC_PORT="not-a-port" is not an integer between 1 and 65535`);
      expect(proc.stderr).toContain('KAFKA_BROKERS="localhost" is not a comma-separated list of host:port');
    });
  });
}

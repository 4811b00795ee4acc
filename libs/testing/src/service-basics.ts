/// <reference types="jest" />
// Uses the Jest globals of the test that calls it (importing @jest/globals would make the
// whole library unusable outside Jest, e.g. in bench/).
import { grpcClient } from './grpc-client';
import { type RunningService, envPrefixOf, startPlatformService } from './platform-service';
import { ServiceProcess, httpGet } from './service-process';

/**
 * What every platform service must do, checked against its real process, the real broker and
 * the real database: HTTP health and metrics, gRPC health and status, and a clear exit on bad
 * configuration. Each service's test/service.int-spec.ts runs this suite.
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

    it('exits at start with a message naming an invalid variable', async () => {
      const prefix = envPrefixOf(name);
      const proc = new ServiceProcess(name, { [`${prefix}_GRPC_PORT`]: 'not-a-port', KAFKA_BROKERS: 'localhost' }).start();
      expect(await proc.exitCode()).toBe(78);
      expect(proc.stderr).toContain(`${prefix}_GRPC_PORT="not-a-port" is not an integer between 1 and 65535`);
      expect(proc.stderr).toContain('KAFKA_BROKERS="localhost" is not a comma-separated list of host:port');
    });
  });
}

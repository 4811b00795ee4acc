import { type RunningService, grpcClient, startPlatformService } from '@mlops/testing';

/** One service calls another over gRPC, and one correlation id shows in both services' logs. */
describe('serving → registry over gRPC', () => {
  let registry: RunningService;
  let serving: RunningService;

  beforeAll(async () => {
    registry = await startPlatformService('registry');
    serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress } });
  });
  afterAll(async () => {
    await serving?.stop();
    await registry?.stop();
  });

  it('reports the upstream status, carrying the caller correlation id through both logs', async () => {
    const client = grpcClient(serving.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    const correlationId = `it-${Date.now()}`;
    try {
      const status = await client.GetStatus({ includeUpstream: true }, { 'x-correlation-id': correlationId });
      expect(status).toMatchObject({ service: 'serving', ready: true, correlationId });
      const [upstream] = status.upstream as Record<string, unknown>[];
      expect(upstream).toMatchObject({ service: 'registry', ready: true, correlationId });
      expect(status.dependencies).toContainEqual(expect.objectContaining({ name: 'registry', kind: 'DEPENDENCY_KIND_GRPC_SERVICE', ready: true }));
    } finally {
      client.close();
    }
    const inServing = await serving.proc.waitForLog((l) => l.msg === 'status requested' && l.correlationId === correlationId);
    const inRegistry = await registry.proc.waitForLog((l) => l.msg === 'status requested' && l.correlationId === correlationId);
    expect(inServing.service).toBe('serving');
    expect(inRegistry.service).toBe('registry');
  });

  it('reports an unreachable upstream as not ready instead of failing', async () => {
    const lonely = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: '127.0.0.1:1' } });
    const client = grpcClient(lonely.grpcAddress, 'mlops/platform/v1/platform.proto', 'mlops.platform.v1.PlatformService');
    try {
      const status = await client.GetStatus({ includeUpstream: true });
      expect(status.ready).toBe(true);
      expect(status.dependencies).toContainEqual(expect.objectContaining({ name: 'registry', ready: false }));
    } finally {
      client.close();
      await lonely.stop();
    }
  });
});

import { PrivateKafkaBroker, freePort, grpcClient, httpGet, startPlatformService, waitFor } from '@mlops/testing';

/** A service whose broker goes away reports not ready, and ready again when it returns,
 * without a restart. */
describe('readiness follows the broker', () => {
  it('flips to not ready while Kafka is down and back when it returns', async () => {
    const broker = new PrivateKafkaBroker(await freePort());
    await broker.start();
    const service = await startPlatformService('ingestion', { kafkaBrokers: broker.brokers });
    const health = grpcClient(service.grpcAddress, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health');
    const pid = service.proc.pid;
    try {
      await broker.stop();
      const down = await waitFor(
        async () => {
          const r = await httpGet(`${service.httpUrl}/health/ready`);
          return r.status === 503 && r;
        },
        { timeoutMs: 30_000, what: 'not ready' },
      );
      expect(down.json).toMatchObject({ status: 'not ready', dependencies: [{ name: 'kafka', ready: false }, { name: 'postgres', ready: true }] });
      expect(await health.Check({})).toEqual({ status: 'NOT_SERVING' });
      expect((await httpGet(`${service.httpUrl}/health/live`)).status).toBe(200);

      await broker.start();
      await waitFor(async () => (await httpGet(`${service.httpUrl}/health/ready`)).status === 200, { timeoutMs: 30_000, what: 'ready again' });
      expect(await health.Check({})).toEqual({ status: 'SERVING' });
      expect(service.proc.pid).toBe(pid);
      expect(service.proc.logs.some((l) => l.msg === 'dependency kafka is back')).toBe(true);
    } finally {
      health.close();
      await service.stop();
      await broker.wipe();
    }
  });
});

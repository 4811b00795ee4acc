import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import { captureIO } from '../test/fakes';
import { runCli } from './cli';
import { PlatformClients, addressKey, findProtoRoot, serviceAddresses } from '@mlops/client';
import { RemoteCallError } from './errors';

describe('addresses', () => {
  it('reads <SERVICE>_GRPC_URL with the platform defaults', () => {
    expect(addressKey('feature-store')).toBe('FEATURE_STORE_GRPC_URL');
    expect(serviceAddresses({ SERVING_GRPC_URL: 'serving.svc:50055' })).toEqual({
      ingestion: '127.0.0.1:50051',
      'feature-store': '127.0.0.1:50052',
      training: '127.0.0.1:50053',
      registry: '127.0.0.1:50054',
      serving: 'serving.svc:50055',
      monitoring: '127.0.0.1:50056',
    });
  });

  it('finds the proto files from the source tree', () => {
    expect(findProtoRoot({})).toBe(path.resolve(__dirname, '../../../proto'));
  });
});

/** A registry stand-in on a real socket, built from the same proto, that records what it got. */
async function fakeRegistryServer(): Promise<{ address: string; metadata: grpc.Metadata[]; stop(): void }> {
  const root = findProtoRoot({});
  const definition = protoLoader.loadSync(path.join(root, 'mlops/registry/v1/registry.proto'), { includeDirs: [root], keepCase: false, longs: Number, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { mlops: { registry: { v1: { RegistryService: grpc.ServiceClientConstructor } } } };
  const metadata: grpc.Metadata[] = [];
  const server = new grpc.Server();
  server.addService(pkg.mlops.registry.v1.RegistryService.service, {
    ListRegisteredModels: (call: grpc.ServerUnaryCall<unknown, unknown>, done: grpc.sendUnaryData<unknown>) => {
      metadata.push(call.metadata);
      done(null, { models: [{ name: 'churn', promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC', aliases: { production: 3 }, latestVersion: 3, createdAtMs: 1796000000000 }] });
    },
    GetRegisteredModel: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done({ code: grpc.status.NOT_FOUND, details: 'model "x" does not exist' }),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { address: `127.0.0.1:${port}`, metadata, stop: () => server.forceShutdown() };
}

describe('PlatformClients against a gRPC server', () => {
  let server: Awaited<ReturnType<typeof fakeRegistryServer>>;
  beforeAll(async () => {
    server = await fakeRegistryServer();
  });
  afterAll(() => server.stop());

  it('delivers enums by name and int64 as numbers, with the metadata of every call', async () => {
    const clients = new PlatformClients({ env: { REGISTRY_GRPC_URL: server.address }, metadata: { 'x-principal': 'olivia', 'x-correlation-id': 'c-1' } });
    try {
      const response = await clients.registry.call<{ models: unknown[] }>('ListRegisteredModels');
      expect(response.models).toEqual([expect.objectContaining({ name: 'churn', promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC', aliases: { production: 3 }, createdAtMs: 1796000000000 })]);
      const md = server.metadata[server.metadata.length - 1];
      expect(md.get('x-principal')).toEqual(['olivia']);
      expect(md.get('x-correlation-id')).toEqual(['c-1']);
      await expect(clients.registry.call('GetRegisteredModel', { name: 'x' })).rejects.toEqual(expect.objectContaining({ code: grpc.status.NOT_FOUND, service: 'registry', address: server.address, details: 'model "x" does not exist' }));
      await expect(clients.registry.call('NoSuchMethod')).rejects.toThrow('the registry API has no method NoSuchMethod');
      expect(clients.registry.has('SetAlias')).toBe(true);
      expect(clients.messageFields('mlops/registry/v1/registry.proto', 'mlops.registry.v1.SetAliasRequest')).toEqual(['modelName', 'alias', 'version', 'reason']);
    } finally {
      clients.close();
    }
  });

  it('is what the CLI uses: --principal and --correlation-id reach the server, --json prints the response', async () => {
    const cap = captureIO({ env: { REGISTRY_GRPC_URL: server.address } });
    expect(await runCli(['models', 'list', '--json', '--principal', 'carol', '--correlation-id', 'saga-7'], cap.io)).toBe(0);
    expect(JSON.parse(cap.stdout()).models[0]).toMatchObject({ name: 'churn', latestVersion: 3 });
    const md = server.metadata[server.metadata.length - 1];
    expect([md.get('x-principal'), md.get('x-correlation-id')]).toEqual([['carol'], ['saga-7']]);
  });

  it('rejects with RemoteCallError naming the service when nothing listens', async () => {
    const clients = new PlatformClients({ env: { MONITORING_GRPC_URL: '127.0.0.1:1' } });
    try {
      const error = await clients.monitoring.call('ListAlerts').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteCallError);
      expect(error).toMatchObject({ service: 'monitoring', address: '127.0.0.1:1', code: grpc.status.UNAVAILABLE });
    } finally {
      clients.close();
    }
  });
});

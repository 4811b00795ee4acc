import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TokenVerifier, generateIssuerKeys, issueToken } from '@mlops/auth';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import type { AuditEntry, AuditLog } from '../audit/audit-log';
import { grpcAuthInterceptor } from './grpc-auth.interceptor';
import type { PlatformSecurity } from './platform-security';

/** The interceptor on a real grpc-js server over a socket; the audit store is a stand-in that keeps entries. */
describe('the gRPC authentication and audit interceptor', () => {
  const keys = generateIssuerKeys();
  const dir = mkdtempSync(path.join(tmpdir(), 'interceptor-'));
  writeFileSync(path.join(dir, 'pub.pem'), keys.publicKeyPem);
  const token = (sub: string, roles: Parameters<typeof issueToken>[1]['roles']) => issueToken(keys.privateKeyPem, { sub, roles, ttlSeconds: 600 });
  const records: AuditEntry[] = [];
  const handled: string[] = [];
  const raw = { requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };
  const definition = {
    CreateRegisteredModel: { path: '/mlops.registry.v1.RegistryService/CreateRegisteredModel', requestStream: false, responseStream: false, ...raw },
    StartDeployment: { path: '/mlops.serving.v1.DeploymentService/StartDeployment', requestStream: false, responseStream: false, ...raw },
  };
  let server: grpc.Server;
  let client: grpc.Client & Record<string, Function>;

  beforeAll(async () => {
    const security = { verifier: new TokenVerifier(path.join(dir, 'pub.pem'), 'mlops') } as unknown as PlatformSecurity;
    const audit = { record: async (e: AuditEntry) => void records.push(e) } as unknown as AuditLog;
    server = new grpc.Server({ interceptors: [grpcAuthInterceptor({ security, audit: () => audit, metrics: new PlatformMetrics('test'), logger: new JsonLogger('test', 'error') })] });
    const slow = (name: string) => (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) =>
      setTimeout(() => {
        handled.push(`${name} by ${call.metadata.get('x-principal')[0]}`);
        done(null, Buffer.from('ok'));
      }, 200);
    server.addService(definition, { CreateRegisteredModel: slow('create'), StartDeployment: slow('start') });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const Client = grpc.makeGenericClientConstructor(definition, 'Test');
    client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as never;
  });
  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  const call = (method: string, bearer: string, options: grpc.CallOptions = {}) => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${bearer}`);
    md.set('x-principal', 'someone-else');
    return new Promise<number>((resolve) => client[method]!(Buffer.from('{}'), md, options, (e: grpc.ServiceError | null) => resolve(e ? e.code : 0)));
  };

  it('records a change with its outcome under the token subject, never the claimed principal', async () => {
    expect(await call('CreateRegisteredModel', token('alice', ['engineer']))).toBe(0);
    expect(handled).toContain('create by alice');
    expect(records.at(-1)).toMatchObject({ principal: 'alice', roles: ['engineer'], action: '/mlops.registry.v1.RegistryService/CreateRegisteredModel', outcome: 'OK' });
  });

  it('records changes whose caller cancelled or ran out of time, which may have committed', async () => {
    const before = records.length;
    expect(await call('CreateRegisteredModel', token('bob', ['engineer']), { deadline: Date.now() + 50 })).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 400));
    expect(records.slice(before).map((r) => `${r.principal} ${r.outcome}`)).toEqual(['bob CANCELLED']);
  });

  it('holds service identities to the changes listed for them, whatever their role', async () => {
    const count = handled.length;
    expect(await call('StartDeployment', token('service:training', ['engineer']))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await call('StartDeployment', token('carol', ['engineer']))).toBe(0);
    expect(handled.slice(count)).toEqual(['start by carol']);
    expect(records.find((r) => r.principal === 'service:training')).toMatchObject({ outcome: 'PERMISSION_DENIED', action: '/mlops.serving.v1.DeploymentService/StartDeployment' });
  });
});

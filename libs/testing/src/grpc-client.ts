import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import { REPO_ROOT } from './infra';
import { testIssuer } from './auth';

const PROTO_ROOT = path.join(REPO_ROOT, 'proto');

/** Client streaming takes the messages to send; server streaming resolves with all messages received.
 * Responses are untyped on purpose: tests read them as a generic client would, by field name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCall = (request: object | object[], metadata?: Record<string, string>) => Promise<any>;

/** A grpc-js client's methods by name, as generated from the .proto (streams returned as they are). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawClient = Record<string, (...args: any[]) => any>;

/**
 * A plain @grpc/grpc-js client over a real socket, as any external client would use the
 * platform: no NestJS, the .proto files only. Each method returns a promise and rejects with
 * the grpc-js ServiceError (its `code` is the gRPC status). Calls carry `token` (default: the test
 * issuer's admin token; null: none) unless their metadata has an `authorization` of its own.
 */
export function grpcClient(
  address: string,
  protoFile: string,
  service: string,
  options: { token?: string | null; credentials?: grpc.ChannelCredentials } = {},
): Record<string, AnyCall> & { close(): void; raw: RawClient; metadata(): grpc.Metadata } {
  const token = options.token === undefined ? testIssuer().adminToken : options.token;
  const definition = protoLoader.loadSync(path.join(PROTO_ROOT, protoFile), {
    includeDirs: [PROTO_ROOT],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition);
  const ctor = service.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded) as grpc.ServiceClientConstructor;
  const client = new ctor(address, options.credentials ?? grpc.credentials.createInsecure());
  const methods: Record<string, AnyCall> = {};
  for (const [name, definition] of Object.entries(ctor.service)) {
    const method = (client as unknown as Record<string, Function>)[name].bind(client);
    methods[name] = (request, metadata = {}) =>
      new Promise((resolve, reject) => {
        const md = new grpc.Metadata();
        if (token && !('authorization' in metadata)) md.set('authorization', `Bearer ${token}`);
        for (const [key, value] of Object.entries(metadata)) md.set(key, value);
        const options = { deadline: Date.now() + 60_000 };
        const done = (error: grpc.ServiceError | null, response: unknown) => (error ? reject(error) : resolve(response));
        if (definition.requestStream) {
          const call = method(md, options, done);
          for (const message of request as object[]) call.write(message);
          call.end();
        } else if (definition.responseStream) {
          const received: unknown[] = [];
          const call = method(request, md, options);
          call.on('data', (message: unknown) => received.push(message));
          call.on('error', reject);
          call.on('end', () => resolve(received));
        } else {
          method(request, md, options, done);
        }
      });
  }
  const metadata = () => {
    const md = new grpc.Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    return md;
  };
  // The grpc-js client itself, for streams a test drives with backpressure (gigabytes).
  return Object.assign(methods, { close: () => client.close(), raw: client as unknown as RawClient, metadata });
}

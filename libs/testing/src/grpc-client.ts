import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import { REPO_ROOT } from './infra';

const PROTO_ROOT = path.join(REPO_ROOT, 'proto');

export type UnaryCall = (request: object, metadata?: Record<string, string>) => Promise<Record<string, unknown>>;

/**
 * A plain @grpc/grpc-js client over a real socket, as any external client would use the
 * platform: no NestJS, the .proto files only. Each method returns a promise and rejects with
 * the grpc-js ServiceError (its `code` is the gRPC status).
 */
export function grpcClient(address: string, protoFile: string, service: string): Record<string, UnaryCall> & { close(): void } {
  const definition = protoLoader.loadSync(path.join(PROTO_ROOT, protoFile), {
    includeDirs: [PROTO_ROOT],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition);
  const ctor = service.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded) as grpc.ServiceClientConstructor;
  const client = new ctor(address, grpc.credentials.createInsecure());
  const methods: Record<string, UnaryCall> = {};
  for (const name of Object.keys(ctor.service)) {
    const method = (client as unknown as Record<string, Function>)[name].bind(client);
    methods[name] = (request, metadata = {}) =>
      new Promise((resolve, reject) => {
        const md = new grpc.Metadata();
        for (const [key, value] of Object.entries(metadata)) md.set(key, value);
        method(request, md, { deadline: Date.now() + 10_000 }, (error: grpc.ServiceError | null, response: Record<string, unknown>) =>
          error ? reject(error) : resolve(response),
        );
      });
  }
  return Object.assign(methods, { close: () => client.close() });
}

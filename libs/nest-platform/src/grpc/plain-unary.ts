import { type Metadata, type Server, type ServerUnaryCall, type ServiceDefinition, type sendUnaryData, status } from '@grpc/grpc-js';
import type { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { toGrpcStatusError } from './domain-errors.filter';

/**
 * Plain @grpc/grpc-js unary methods for a service's hot paths (PlainGrpcService): the method
 * definition from a generated ts-proto codec, and a handler that decodes, calls, maps errors
 * to statuses and records the same request metrics Nest's pipeline does. Authentication and
 * roles are the server interceptor's (grpcAuthInterceptor), as for every other method.
 */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** A request whose bytes did not decode. grpc-js answers a throwing deserializer with INTERNAL;
 * it is the caller's fault, so the handler answers INVALID_ARGUMENT naming the problem. */
export class Undecodable {
  constructor(readonly reason: string) {}
}

const bytes = (m: { finish(): Uint8Array }) => {
  const b = m.finish();
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
};

/** The definition of one unary method of `service` (its full name, e.g. "mlops.features.v1.FeatureStoreService"). */
export function unaryMethod<Req, Res>(service: string, method: string, request: MessageCodec<Req>, response: MessageCodec<Res>) {
  return {
    path: `/${service}/${method}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: Req) => bytes(request.encode(m)),
    requestDeserialize: (b: Buffer): Req => {
      try {
        return request.decode(b);
      } catch (error) {
        return new Undecodable(error instanceof Error ? error.message : String(error)) as unknown as Req;
      }
    },
    responseSerialize: (m: Res) => bytes(response.encode(m)),
    responseDeserialize: (b: Buffer) => response.decode(b),
  } as const;
}

export interface UnaryHandlerOptions {
  logger: JsonLogger;
  /** Records grpc request counts and latency under this method label (as the Nest pipeline's `Controller/handler`). */
  metrics?: { registry: PlatformMetrics; method: string };
}

/** Wraps an async function as a grpc-js unary handler. */
export function unaryHandler<Req, Res>(fn: (request: Req, metadata: Metadata) => Promise<Res>, options: UnaryHandlerOptions) {
  const { logger, metrics } = options;
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const end = metrics?.registry.grpcDuration.startTimer({ method: metrics.method });
    const done = (code: status) => {
      if (!metrics) return;
      const name = status[code] ?? String(code);
      end!({ code: name });
      metrics.registry.grpcRequests.inc({ method: metrics.method, code: name });
    };
    const request = call.request as unknown;
    if (request instanceof Undecodable) {
      done(status.INVALID_ARGUMENT);
      callback({ code: status.INVALID_ARGUMENT, details: `the request is not a valid ${call.getPath().split('/').pop()} message: ${request.reason}` });
      return;
    }
    fn(call.request, call.metadata).then(
      (response) => {
        done(status.OK);
        callback(null, response);
      },
      (error: unknown) => {
        const refusal = toGrpcStatusError(error);
        if (refusal.message === 'internal error') logger.warn('gRPC call failed', { method: call.getPath(), error: error instanceof Error ? error.message : String(error) });
        done(refusal.code);
        callback(refusal);
      },
    );
  };
}


/**
 * Lets plain handlers take some methods of a proto service whose other methods are Nest's. The
 * plain services register first (Nest calls onLoadPackageDefinition before adding its own);
 * Nest then adds each proto service with a partial implementation, and grpc-js would fill the
 * methods it lacks with UNIMPLEMENTED handlers and refuse the paths already taken. From here on
 * every addService registers only the methods no earlier call registered.
 */
export function firstRegistrationWins(server: Server): void {
  const registered = new Set<string>();
  const add = server.addService.bind(server);
  server.addService = (service: ServiceDefinition, implementation) => {
    const fresh = Object.fromEntries(Object.entries(service).filter(([, method]) => !registered.has(method.path)));
    for (const method of Object.values(fresh)) registered.add(method.path);
    add(fresh, implementation);
  };
}

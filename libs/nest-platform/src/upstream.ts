import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientGrpcProxy } from '@nestjs/microservices';
import { InterceptingCall, type Interceptor, status as GrpcStatus } from '@grpc/grpc-js';
import { failedPrecondition, notFound, unavailable } from '@mlops/errors';
import { PROTO_LOADER_OPTIONS, platform, protoPath } from '@mlops/contracts';
import { CORRELATION_HEADER, currentCorrelationId } from '@mlops/observability';
import { PlatformSecurity } from './auth/platform-security';
import { PLATFORM_CONFIG, type PlatformConfig } from './platform-config';

/** Adds the correlation id of the current context to every outgoing gRPC call. */
export const correlationClientInterceptor: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      const correlationId = currentCorrelationId();
      if (correlationId && metadata.get(CORRELATION_HEADER).length === 0) metadata.set(CORRELATION_HEADER, correlationId);
      next(metadata, listener);
    },
  });

const UNARY_DEADLINE_MS = 15_000;
const STREAM_DEADLINE_MS = 300_000;

/** Gives every outgoing call a deadline unless it has one (15 s unary, 5 minutes streaming), so
 * an upstream that accepts connections but never answers cannot hold a caller forever. */
export const deadlineClientInterceptor: Interceptor = (options, nextCall) => {
  if (options.deadline === undefined) {
    const streaming = options.method_definition.requestStream || options.method_definition.responseStream;
    options = { ...options, deadline: Date.now() + (streaming ? STREAM_DEADLINE_MS : UNARY_DEADLINE_MS) };
  }
  return new InterceptingCall(nextCall(options));
};

/** gRPC clients of the platform services this service calls (addresses from <NAME>_GRPC_URL), as the service's own identity. */
@Injectable()
export class UpstreamClients implements OnModuleDestroy {
  private readonly proxies = new Map<string, ClientGrpcProxy>();

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly security: PlatformSecurity,
  ) {}

  get names(): string[] {
    return Object.keys(this.config.upstream);
  }

  /** A typed client of `serviceName` in `pkg` (defined in `protoFile`) on upstream `upstream`. */
  client<T extends object>(upstream: string, pkg: string, protoFile: string, serviceName: string): T {
    const url = this.config.upstream[upstream];
    if (!url) throw new Error(`${upstream} is not an upstream of ${this.config.service}`);
    const cacheKey = `${upstream}/${pkg}`;
    let proxy = this.proxies.get(cacheKey);
    if (!proxy) {
      proxy = ClientProxyFactory.create({
        transport: Transport.GRPC,
        options: {
          url,
          package: pkg,
          protoPath: protoPath(protoFile),
          loader: PROTO_LOADER_OPTIONS,
          credentials: this.security.channelCredentials(),
          // The service calls as itself: its own token (and certificate, under mutual TLS).
          channelOptions: { interceptors: [this.security.clientInterceptor, correlationClientInterceptor, deadlineClientInterceptor] },
        },
      }) as ClientGrpcProxy;
      this.proxies.set(cacheKey, proxy);
    }
    return proxy.getService<T>(serviceName);
  }

  platform(upstream: string): platform.PlatformServiceClient {
    return this.client<platform.PlatformServiceClient>(upstream, 'mlops.platform.v1', 'mlops/platform/v1/platform.proto', 'PlatformService');
  }

  onModuleDestroy(): void {
    for (const proxy of this.proxies.values()) proxy.close();
  }
}

/**
 * Calls another platform service and turns its gRPC failure into this service's domain error:
 * NOT_FOUND stays not found, a refusal (INVALID_ARGUMENT, FAILED_PRECONDITION) becomes a failed
 * precondition here, and so does a refusal of this service's own token or roles (named as such);
 * anything else means the upstream is unavailable (named by its status only:
 * the transport's message can hold internal addresses, and this one may reach a client).
 */
export async function callUpstream<T>(upstream: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const { code, details } = error as { code?: number; details?: string };
    if (code === GrpcStatus.NOT_FOUND) throw notFound(details ?? `${what} was not found`);
    if (code === GrpcStatus.INVALID_ARGUMENT || code === GrpcStatus.FAILED_PRECONDITION) throw failedPrecondition(details ?? `${what} was refused`);
    // This service's own identity was refused: a deployment mistake (its token or roles), said as such.
    if (code === GrpcStatus.UNAUTHENTICATED || code === GrpcStatus.PERMISSION_DENIED) {
      throw Object.assign(failedPrecondition(`${upstream} refused this service's credentials for ${what} (${GrpcStatus[code]})`), { cause: error });
    }
    throw Object.assign(unavailable(`${upstream} did not answer for ${what} (${(code !== undefined && GrpcStatus[code]) || 'no status'})`), { cause: error });
  }
}

import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { Observable, tap } from 'rxjs';
import { grpcCodeOf } from './grpc/domain-errors.filter';
import { CORRELATION_HEADER, PlatformMetrics, currentCorrelationId, withCorrelation } from '@mlops/observability';

/**
 * Runs every gRPC and HTTP handler inside the correlation context of its request (taken from
 * `x-correlation-id` metadata or header, or made fresh), echoes the id back, and records
 * gRPC request counts and latency by method and status code.
 */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  constructor(private readonly metrics: PlatformMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') return this.interceptGrpc(context, next);
    if (context.getType() === 'http') return this.interceptHttp(context, next);
    return next.handle();
  }

  private interceptGrpc(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = context.switchToRpc().getContext<Metadata | undefined>();
    const incoming = metadata instanceof Metadata ? metadata.get(CORRELATION_HEADER)[0]?.toString() : undefined;
    const method = `${context.getClass().name.replace(/GrpcController$/, '')}/${context.getHandler().name}`;
    const end = this.metrics.grpcDuration.startTimer({ method });
    const record = (code: number) => {
      end({ code: GrpcStatus[code] ?? String(code) });
      this.metrics.grpcRequests.inc({ method, code: GrpcStatus[code] ?? String(code) });
    };
    return new Observable((subscriber) =>
      withCorrelation(incoming, () =>
        next
          .handle()
          .pipe(
            tap({
              complete: () => record(GrpcStatus.OK),
              error: (error: unknown) => record(grpcCodeOf(error)),
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }

  private interceptHttp(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | undefined>; route?: { path?: string } }>();
    const response = http.getResponse<{ setHeader(name: string, value: string): void; statusCode: number }>();
    return new Observable((subscriber) =>
      withCorrelation(request.headers[CORRELATION_HEADER], () => {
        response.setHeader(CORRELATION_HEADER, currentCorrelationId() ?? '');
        return next
          .handle()
          .pipe(tap({ finalize: () => this.metrics.httpRequests.inc({ route: request.route?.path ?? 'unknown', status: String(response.statusCode) }) }))
          .subscribe(subscriber);
      }),
    );
  }
}

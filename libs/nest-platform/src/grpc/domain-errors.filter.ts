import { type ArgumentsHost, Catch, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { type Observable, throwError } from 'rxjs';
import { type ErrorKind, isDomainError } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';

export const GRPC_CODE: Record<ErrorKind, GrpcStatus> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  DATA_LOSS: GrpcStatus.DATA_LOSS,
};

/** The gRPC status code of anything a handler may throw. */
export function grpcCodeOf(error: unknown): GrpcStatus {
  if (isDomainError(error)) return GRPC_CODE[error.kind];
  if (error instanceof RpcException) {
    const payload = error.getError() as { code?: number } | string;
    if (typeof payload === 'object' && typeof payload.code === 'number') return payload.code;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : GrpcStatus.INTERNAL;
}

/** The status error to hand a raw gRPC callback (stream handlers that bypass the filter). */
export function toGrpcStatusError(error: unknown): { code: GrpcStatus; message: string } {
  if (isDomainError(error)) return { code: GRPC_CODE[error.kind], message: error.message };
  return { code: GrpcStatus.INTERNAL, message: 'internal error' };
}

/**
 * Maps what a gRPC handler throws to a status: domain errors keep their kind and message;
 * anything else is logged and answered INTERNAL without details, so nothing about the system
 * leaks to clients. HTTP errors keep Nest's default handling.
 */
@Catch()
export class GrpcErrorsFilter extends BaseExceptionFilter {
  constructor(
    private readonly logger: JsonLogger,
    httpServer: HttpServer,
  ) {
    super(httpServer);
  }

  override catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'rpc') return super.catch(error, host);
    if (isDomainError(error)) return throwError(() => ({ code: GRPC_CODE[error.kind], message: error.message }));
    if (error instanceof RpcException) return throwError(() => error.getError());
    this.logger.error('gRPC handler failed', { error });
    return throwError(() => ({ code: GrpcStatus.INTERNAL, message: 'internal error' }));
  }
}

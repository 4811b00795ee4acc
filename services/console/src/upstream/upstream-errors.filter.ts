import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { AuditCursorError, RemoteCallError, connectFailure, statusName } from '@mlops/client';
import { DomainError } from '@mlops/errors';
import { GRPC_CODE } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';

/** How each gRPC status of a service reads over the console's HTTP API. */
const HTTP_STATUS: Partial<Record<number, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [GrpcStatus.OUT_OF_RANGE]: HttpStatus.BAD_REQUEST,
  [GrpcStatus.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [GrpcStatus.PERMISSION_DENIED]: HttpStatus.FORBIDDEN,
  [GrpcStatus.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [GrpcStatus.ALREADY_EXISTS]: HttpStatus.CONFLICT,
  [GrpcStatus.ABORTED]: HttpStatus.CONFLICT,
  [GrpcStatus.FAILED_PRECONDITION]: HttpStatus.CONFLICT,
  [GrpcStatus.RESOURCE_EXHAUSTED]: HttpStatus.TOO_MANY_REQUESTS,
  [GrpcStatus.UNIMPLEMENTED]: HttpStatus.NOT_IMPLEMENTED,
  [GrpcStatus.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [GrpcStatus.DEADLINE_EXCEEDED]: HttpStatus.GATEWAY_TIMEOUT,
};

/** The error body of every console API failure: the service's own status name and message. */
export interface ApiError {
  code: string;
  message: string;
  /** The service that refused, when a service did. */
  service?: string;
  method?: string;
}

type JsonResponse = { status(code: number): { json(body: ApiError): void } };

/**
 * A service's refusal reaches the browser as it was given: its gRPC status name and message
 * (PERMISSION_DENIED: "viewer may not ..."), under the matching HTTP status, so the console
 * shows the owning service's own words. A service that cannot be reached is named as such.
 * The console's own refusals (a malformed query) read the same way.
 */
@Catch(RemoteCallError, DomainError, AuditCursorError)
export class UpstreamErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: RemoteCallError | DomainError | AuditCursorError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (!(error instanceof RemoteCallError)) {
      const code = error instanceof DomainError ? GRPC_CODE[error.kind] : GrpcStatus.INVALID_ARGUMENT;
      response.status(HTTP_STATUS[code] ?? HttpStatus.BAD_REQUEST).json({ code: statusName(code), message: error.message });
      return;
    }
    const unreachable = connectFailure(error);
    const message = unreachable ? `${error.service} cannot be reached (${unreachable})` : error.details;
    if (error.code !== GrpcStatus.NOT_FOUND && error.code !== GrpcStatus.PERMISSION_DENIED) this.logger.warn('upstream call failed', { service: error.service, method: error.method, code: statusName(error.code), message });
    response.status(HTTP_STATUS[error.code] ?? HttpStatus.BAD_GATEWAY).json({ code: statusName(error.code), message, service: error.service, method: error.method });
  }
}

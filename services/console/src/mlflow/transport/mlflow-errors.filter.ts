import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { RemoteCallError, connectFailure } from '@mlops/client';
import { DomainError } from '@mlops/errors';
import { GRPC_CODE } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { MlflowError, mlflowCodeOfGrpc, mlflowCodeOfHttp } from '../domain/mlflow-error';

type JsonResponse = { headersSent: boolean; status(code: number): { json(body: unknown): void }; destroy(): void };

/**
 * Every failure of the MLflow-compatible API in MLflow's shape, `{"error_code", "message"}`
 * under the HTTP status MLflow's server gives that code, whoever refused: this layer's checks,
 * the owning service (its gRPC status mapped, its message kept), the platform's auth guard,
 * the body parser. Anything else is INTERNAL_ERROR with nothing about the system revealed.
 */
@Catch()
export class MlflowErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    const mlflow = this.toMlflow(error);
    // A download that failed half-way cannot change its status any more: cut it off instead.
    if (response.headersSent) return response.destroy();
    response.status(mlflow.httpStatus).json(mlflow.toJSON());
  }

  private toMlflow(error: unknown): MlflowError {
    if (error instanceof MlflowError) return error;
    if (error instanceof DomainError) return new MlflowError(mlflowCodeOfGrpc(GRPC_CODE[error.kind]), error.message);
    if (error instanceof RemoteCallError) {
      const unreachable = connectFailure(error);
      return new MlflowError(mlflowCodeOfGrpc(error.code), unreachable ? `${error.service} cannot be reached (${unreachable})` : error.details);
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? error.message);
      return new MlflowError(mlflowCodeOfHttp(error.getStatus()), message);
    }
    // The body parser's refusals (malformed JSON, too large) carry an HTTP status of their own.
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return new MlflowError(mlflowCodeOfHttp(status), `the request body was refused: ${(error as Error).message}`);
    this.logger.error('MLflow API call failed', { error: error instanceof Error ? error.message : String(error) });
    return new MlflowError('INTERNAL_ERROR', 'the request failed inside the platform; see the console log');
  }
}

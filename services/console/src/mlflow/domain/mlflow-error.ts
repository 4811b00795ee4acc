import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * MLflow's error codes (mlflow/protos/databricks.proto) and the HTTP status its server answers
 * each with (mlflow/server/handlers.py, MlflowException.get_http_status_code): what MLflow
 * clients branch on, e.g. the Python client's RESOURCE_DOES_NOT_EXIST check in
 * get_experiment_by_name.
 */
export const MLFLOW_HTTP_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  INVALID_STATE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_HTTP_STATUS;

/** A refusal in MLflow's words: `{"error_code": ..., "message": ...}` under its HTTP status. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get httpStatus(): number {
    return MLFLOW_HTTP_STATUS[this.errorCode];
  }

  toJSON(): { error_code: MlflowErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const invalidParameter = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);
export const doesNotExist = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);

/** The MLflow code of a platform service's gRPC status. */
const BY_GRPC_STATUS: Partial<Record<number, MlflowErrorCode>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 'INVALID_PARAMETER_VALUE',
  [GrpcStatus.OUT_OF_RANGE]: 'INVALID_PARAMETER_VALUE',
  [GrpcStatus.NOT_FOUND]: 'RESOURCE_DOES_NOT_EXIST',
  [GrpcStatus.ALREADY_EXISTS]: 'RESOURCE_ALREADY_EXISTS',
  [GrpcStatus.FAILED_PRECONDITION]: 'INVALID_STATE',
  [GrpcStatus.ABORTED]: 'INVALID_STATE',
  [GrpcStatus.UNAUTHENTICATED]: 'UNAUTHENTICATED',
  [GrpcStatus.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [GrpcStatus.RESOURCE_EXHAUSTED]: 'REQUEST_LIMIT_EXCEEDED',
  [GrpcStatus.UNIMPLEMENTED]: 'NOT_IMPLEMENTED',
  [GrpcStatus.UNAVAILABLE]: 'TEMPORARILY_UNAVAILABLE',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'TEMPORARILY_UNAVAILABLE',
};

export function mlflowCodeOfGrpc(code: number): MlflowErrorCode {
  return BY_GRPC_STATUS[code] ?? 'INTERNAL_ERROR';
}

/** The MLflow code of an HTTP status the platform's own layers answered with (the auth guard, the body parser). */
export function mlflowCodeOfHttp(status: number): MlflowErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 413) return 'INVALID_PARAMETER_VALUE';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status >= 400 && status < 500) return 'BAD_REQUEST';
  return 'INTERNAL_ERROR';
}

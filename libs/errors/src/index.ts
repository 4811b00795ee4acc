/**
 * Errors the domain raises for its callers, named after the gRPC status they map to. Domain code
 * throws these without knowing about transports; the gRPC layer turns them into statuses (and
 * HTTP into 4xx codes), and everything else into INTERNAL with nothing about the system revealed.
 */
export type ErrorKind = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'UNAVAILABLE' | 'DATA_LOSS';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidArgument = (message: string) => new DomainError('INVALID_ARGUMENT', message);
export const notFound = (message: string) => new DomainError('NOT_FOUND', message);
export const alreadyExists = (message: string) => new DomainError('ALREADY_EXISTS', message);
export const failedPrecondition = (message: string) => new DomainError('FAILED_PRECONDITION', message);
export const permissionDenied = (message: string) => new DomainError('PERMISSION_DENIED', message);
export const resourceExhausted = (message: string) => new DomainError('RESOURCE_EXHAUSTED', message);
export const unavailable = (message: string) => new DomainError('UNAVAILABLE', message);
export const dataLoss = (message: string) => new DomainError('DATA_LOSS', message);

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

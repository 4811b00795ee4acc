import { status as GrpcStatus } from '@grpc/grpc-js';
import { RemoteCallError } from '@mlops/client';

/** The answer, or undefined when the service says NOT_FOUND (a report before the first evaluation, a deleted run). */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof RemoteCallError && error.code === GrpcStatus.NOT_FOUND) return undefined;
    throw error;
  }
}

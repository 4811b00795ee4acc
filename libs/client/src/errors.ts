import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceName } from './addresses';

/** The client cannot do what was asked for reasons of its own (no proto files, unreadable token
 * file, a streaming method called as unary): no call was made. */
export class ClientError extends Error {
  override readonly name: string = 'ClientError';
}

/** A gRPC call that ended with a status other than OK, with where it went. */
export class RemoteCallError extends Error {
  override readonly name = 'RemoteCallError';
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly method: string,
    readonly code: number,
    /** The server's message (grpc-js `details`). */
    readonly details: string,
  ) {
    super(`${statusName(code)}: ${details}`);
  }
}

/** `NOT_FOUND` for 5; `UNKNOWN(99)` for codes grpc-js does not name. */
export function statusName(code: number): string {
  const name = (GrpcStatus as unknown as Record<number, string | undefined>)[code];
  return typeof name === 'string' ? name : `UNKNOWN(${code})`;
}

/** grpc-js reports a connection that never came up as UNAVAILABLE with these details; a server
 * that answered UNAVAILABLE itself (e.g. its own upstream is down) says something else. */
const CONNECT_FAILURE = /No connection established|Failed to connect|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Name resolution failed|Connection dropped|connection.*closed/i;

function connectReason(details: string): string {
  if (/ECONNREFUSED/.test(details)) return 'connection refused';
  if (/ENOTFOUND|Name resolution failed/i.test(details)) return 'unknown host';
  if (/EHOSTUNREACH/.test(details)) return 'host unreachable';
  if (/ETIMEDOUT/.test(details)) return 'connection timed out';
  return details.split('\n')[0];
}

/** Why a call never reached its service (connection refused, unknown host, ...), or undefined
 * when the service answered. */
export function connectFailure(error: unknown): string | undefined {
  if (!(error instanceof RemoteCallError) || error.code !== GrpcStatus.UNAVAILABLE || !CONNECT_FAILURE.test(error.details)) return undefined;
  return connectReason(error.details);
}

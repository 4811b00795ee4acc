import type { Metadata } from '@grpc/grpc-js';

/**
 * Who is calling: the subject of the caller's verified token, which the authentication
 * interceptor puts in `x-principal` (replacing anything the caller sent). With MLOPS_AUTH=disabled
 * (development only) it is whatever the caller names there.
 */
export function principalOf(metadata: Metadata | undefined): string {
  const value = metadata?.get('x-principal')[0]?.toString() ?? '';
  return /^[A-Za-z0-9._@:-]{1,128}$/.test(value) ? value : 'anonymous';
}

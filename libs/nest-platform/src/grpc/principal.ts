import type { Metadata } from '@grpc/grpc-js';

/**
 * Who is calling. Until authentication lands (bearer tokens, issue 7), callers name themselves
 * in the `x-principal` metadata; the audit log records it either way.
 */
export function principalOf(metadata: Metadata | undefined): string {
  const value = metadata?.get('x-principal')[0]?.toString() ?? '';
  return /^[A-Za-z0-9._@:-]{1,128}$/.test(value) ? value : 'anonymous';
}

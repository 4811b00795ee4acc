import type { Metadata } from '@grpc/grpc-js';
import { ROLES, type Role } from '@mlops/auth';
import { permissionDenied } from '@mlops/errors';

/**
 * Who is calling: the subject of the caller's verified token, which the authentication
 * interceptor puts in `x-principal` (replacing anything the caller sent). With MLOPS_AUTH=disabled
 * (development only) it is whatever the caller names there.
 */
export const PRINCIPAL_HEADER = 'x-principal';
/** The verified caller's roles, comma-separated (set by the interceptor, never the caller's). */
export const ROLES_HEADER = 'x-mlops-roles';

export function principalOf(metadata: Metadata | undefined): string {
  const value = metadata?.get(PRINCIPAL_HEADER)[0]?.toString() ?? '';
  return /^[A-Za-z0-9._@:-]{1,128}$/.test(value) ? value : 'anonymous';
}

/** The verified caller's roles (set by the authentication interceptor; admin with auth disabled). */
export function rolesOf(metadata: Metadata | undefined): Role[] {
  const value = metadata?.get(ROLES_HEADER)[0]?.toString() ?? '';
  return value.split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

/** Refuses (PERMISSION_DENIED) a part of a call that needs more than the RPC's own role, e.g.
 * changing a model's promotion policy needs an approver even though editing the model does not. */
export function requireRole(metadata: Metadata | undefined, role: Role, what: string): void {
  const roles = rolesOf(metadata);
  if (!roles.includes(role) && !roles.includes('admin')) throw permissionDenied(`${principalOf(metadata)} may not ${what}: it needs the ${role} role`);
}

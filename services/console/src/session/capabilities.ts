import { RPC_ACCESS, type Role, allowsCall } from '@mlops/auth';

/**
 * The changes the console offers, each named by the RPC that carries it out. Buttons are shown
 * only to callers whose token allows the RPC by the platform's one access table; the owning
 * service checks again when the call comes (a forged button changes nothing).
 */
export const ACTIONS = {
  setAlias: '/mlops.registry.v1.RegistryService/SetAlias',
  approveVersion: '/mlops.registry.v1.RegistryService/ApproveVersion',
  pauseDeployment: '/mlops.serving.v1.DeploymentService/PauseDeployment',
  resumeDeployment: '/mlops.serving.v1.DeploymentService/ResumeDeployment',
  promoteDeployment: '/mlops.serving.v1.DeploymentService/PromoteDeployment',
  rollbackDeployment: '/mlops.serving.v1.DeploymentService/RollbackDeployment',
  readAuditLog: '/mlops.platform.v1.PlatformService/ListAuditRecords',
} as const;

export type Action = keyof typeof ACTIONS;

export function capabilities(subject: string, roles: readonly Role[]): Record<Action, boolean> {
  const out = {} as Record<Action, boolean>;
  for (const [action, path] of Object.entries(ACTIONS) as [Action, string][]) {
    const rule = RPC_ACCESS[path];
    out[action] = rule !== undefined && rule !== 'public' && allowsCall(subject, roles, path, rule);
  }
  return out;
}

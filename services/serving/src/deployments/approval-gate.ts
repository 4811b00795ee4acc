import { Injectable } from '@nestjs/common';
import { JsonLogger } from '@mlops/observability';
import { type Deployment, type DeploymentChange, holdForApproval, takesAllTraffic } from './domain/deployment';
import { RegistryClient } from './registry.client';

/**
 * Governance that a rollout cannot skip: a change that would give all traffic to a candidate
 * (promoting it, or the canary's step to 100 %) whose model's policy requires an approval it
 * does not have yet holds the deployment at its weight
 * (awaiting_approval) instead, so an unapproved candidate never takes all traffic. A first
 * version (no stable one) has nothing else to serve and goes ahead, its alias move waiting for
 * the approval. When the registry cannot say, the deployment waits too (fail closed).
 */
@Injectable()
export class ApprovalGate {
  constructor(
    private readonly registry: RegistryClient,
    private readonly logger: JsonLogger,
  ) {}

  async gate(d: Pick<Deployment, 'id' | 'modelName' | 'stableVersion' | 'candidateVersion' | 'weight' | 'mirrorPercent' | 'policy'>, change: DeploymentChange): Promise<DeploymentChange> {
    if (!takesAllTraffic(d, change) || d.stableVersion === 0) return change;
    return (await this.pending(d)) ? holdForApproval(d, change, new Date()) : change;
  }

  /** Whether the candidate still needs its approval (true when the registry cannot be asked). */
  pending(d: Pick<Deployment, 'id' | 'modelName' | 'candidateVersion'>): Promise<boolean> {
    return this.registry.approvalPending(d.modelName, d.candidateVersion).catch((error: unknown) => {
      this.logger.warn('approval could not be checked: the promotion waits', { model: d.modelName, deployment: d.id, error: (error as Error).message });
      return true;
    });
  }
}

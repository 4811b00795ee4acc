import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import type { serving } from '@mlops/contracts';
import { principalOf, requireRole } from '@mlops/nest-platform';
import { DeploymentsService } from '../deployments.service';
import { PolicyStore } from '../policy.store';
import { RolloutStarter } from '../rollout-starter';
import { toAnalysisMessage, toDeploymentMessage, toPolicyInput, toPolicyMessage, toStrategyName } from './deployment.mapper';

/** mlops.serving.v1.DeploymentService: policies, rollouts and the operator's controls. */
@Controller()
export class DeploymentsGrpcController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly policies: PolicyStore,
    private readonly starter: RolloutStarter,
  ) {}

  @GrpcMethod('DeploymentService', 'SetDeploymentPolicy')
  async setDeploymentPolicy(r: serving.DeploymentPolicy, md: Metadata): Promise<serving.DeploymentPolicy> {
    const { policy, updatedAt } = await this.policies.set(principalOf(md), toPolicyInput(r));
    return toPolicyMessage(policy, updatedAt);
  }

  @GrpcMethod('DeploymentService', 'GetDeploymentPolicy')
  async getDeploymentPolicy(r: serving.GetDeploymentPolicyRequest): Promise<serving.DeploymentPolicy> {
    const { policy, updatedAt } = await this.policies.get(r.modelName);
    return toPolicyMessage(policy, updatedAt);
  }

  @GrpcMethod('DeploymentService', 'StartDeployment')
  async startDeployment(r: serving.StartDeploymentRequest, md: Metadata): Promise<serving.Deployment> {
    // STRATEGY_UNSPECIFIED means the model's policy default: resolved here, before the check, and
    // passed on resolved, so a policy whose default is basic cannot be started by a non-approver.
    const strategy = toStrategyName(r.strategy) ?? (await this.policies.get(r.modelName)).policy.strategy;
    // A basic deployment puts the version live at once, without the canary's analysis: an approver's call.
    if (strategy === 'basic') requireRole(md, 'approver', 'start a basic deployment (it skips the analysis)');
    return toDeploymentMessage(await this.starter.startByOperator(principalOf(md), r.modelName, r.version, strategy, r.reason));
  }

  @GrpcMethod('DeploymentService', 'GetDeployment')
  async getDeployment(r: serving.GetDeploymentRequest): Promise<serving.Deployment> {
    const { deployment, last } = await this.deployments.get(r.id, r.modelName);
    return toDeploymentMessage(deployment, last);
  }

  @GrpcMethod('DeploymentService', 'ListDeployments')
  async listDeployments(r: serving.ListDeploymentsRequest): Promise<serving.ListDeploymentsResponse> {
    const { deployments, nextPageToken } = await this.deployments.list({ model: r.modelName, activeOnly: r.activeOnly, limit: r.limit, pageToken: r.pageToken });
    return { deployments: deployments.map((d) => toDeploymentMessage(d)), nextPageToken };
  }

  @GrpcMethod('DeploymentService', 'ListAnalyses')
  async listAnalyses(r: serving.ListAnalysesRequest): Promise<serving.ListAnalysesResponse> {
    const { analyses, nextPageToken } = await this.deployments.listAnalyses(r.deploymentId, r.limit, r.pageToken);
    return { analyses: analyses.map(toAnalysisMessage), nextPageToken };
  }

  @GrpcMethod('DeploymentService', 'PauseDeployment')
  async pauseDeployment(r: serving.DeploymentActionRequest, md: Metadata): Promise<serving.Deployment> {
    return toDeploymentMessage(await this.deployments.act(principalOf(md), r.modelName, 'pause', r.reason));
  }

  @GrpcMethod('DeploymentService', 'ResumeDeployment')
  async resumeDeployment(r: serving.DeploymentActionRequest, md: Metadata): Promise<serving.Deployment> {
    return toDeploymentMessage(await this.deployments.act(principalOf(md), r.modelName, 'resume', r.reason));
  }

  @GrpcMethod('DeploymentService', 'PromoteDeployment')
  async promoteDeployment(r: serving.DeploymentActionRequest, md: Metadata): Promise<serving.Deployment> {
    return toDeploymentMessage(await this.deployments.act(principalOf(md), r.modelName, 'promote', r.reason));
  }

  @GrpcMethod('DeploymentService', 'RollbackDeployment')
  async rollbackDeployment(r: serving.DeploymentActionRequest, md: Metadata): Promise<serving.Deployment> {
    return toDeploymentMessage(await this.deployments.act(principalOf(md), r.modelName, 'rollback', r.reason));
  }
}

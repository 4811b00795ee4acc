import { Injectable } from '@nestjs/common';
import type { Wire } from '@mlops/client';
import type { serving } from '@mlops/contracts';
import { failedPrecondition, invalidArgument } from '@mlops/errors';
import { optionalText } from '../upstream/body';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { type TrafficPoint, trafficSeries } from './domain/traffic';

type Deployment = Wire<serving.Deployment>;

export const DEPLOYMENT_ACTIONS = { pause: 'PauseDeployment', resume: 'ResumeDeployment', promote: 'PromoteDeployment', rollback: 'RollbackDeployment' } as const;
export type DeploymentAction = keyof typeof DEPLOYMENT_ACTIONS;

const ACTIVE = ['DEPLOYMENT_STATE_PROGRESSING', 'DEPLOYMENT_STATE_PAUSED', 'DEPLOYMENT_STATE_PROMOTING', 'DEPLOYMENT_STATE_AWAITING_PROMOTION', 'DEPLOYMENT_STATE_AWAITING_APPROVAL'];

export interface DeploymentDetail {
  deployment: Deployment;
  analyses: Wire<serving.Analysis>[];
  traffic: TrafficPoint[];
}

/** The Deployments pages: rollouts, their analyses and traffic, and the operator's actions. */
@Injectable()
export class DeploymentsService {
  constructor(private readonly api: PlatformApi) {}

  list(caller: Caller, q: { modelName: string; activeOnly: boolean; pageSize: number; pageToken: string }) {
    return this.api.call<Wire<serving.ListDeploymentsResponse>>(caller, 'deployments', 'ListDeployments', { modelName: q.modelName, activeOnly: q.activeOnly, limit: q.pageSize, pageToken: q.pageToken });
  }

  async get(caller: Caller, id: string): Promise<DeploymentDetail> {
    const [deployment, analyses] = await Promise.all([
      this.api.call<Deployment>(caller, 'deployments', 'GetDeployment', { id }),
      this.api.callAllPages(caller, 'deployments', 'ListAnalyses', { deploymentId: id }, (r: Wire<serving.ListAnalysesResponse>) => r.analyses),
    ]);
    return { deployment, analyses, traffic: trafficSeries(deployment, analyses) };
  }

  /**
   * Pause, resume, promote or roll back this deployment. The service's actions name a model's
   * active deployment; the console checks it is this one, so a page left open on an old
   * rollout cannot act on a newer one.
   */
  async act(caller: Caller, id: string, action: string, body: { reason?: unknown }): Promise<Deployment> {
    if (!(action in DEPLOYMENT_ACTIONS)) throw invalidArgument(`unknown action "${action.slice(0, 40)}"; one of ${Object.keys(DEPLOYMENT_ACTIONS).join(', ')}`);
    const reason = optionalText(body.reason, 'reason');
    const deployment = await this.api.call<Deployment>(caller, 'deployments', 'GetDeployment', { id });
    if (!ACTIVE.includes(deployment.state)) throw failedPrecondition(`deployment ${id} is ${deployment.state.replace('DEPLOYMENT_STATE_', '').toLowerCase()}; only an active deployment can be changed`);
    return this.api.call<Deployment>(caller, 'deployments', DEPLOYMENT_ACTIONS[action as DeploymentAction], { modelName: deployment.modelName, reason: reason || `from the console: ${action}` });
  }
}

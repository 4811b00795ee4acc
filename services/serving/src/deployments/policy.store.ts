import { Inject, Injectable } from '@nestjs/common';
import { invalidArgument } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { DeploymentsRepository } from './deployments.repository';
import { type Policy, type PolicyInput, policyProblems, resolvePolicy } from './domain/policy';

/** Deployment policies per model: what is stored, with the defaults filled in. */
@Injectable()
export class PolicyStore {
  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly logger: JsonLogger,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {}

  async get(model: string): Promise<{ policy: Policy; updatedAt?: Date }> {
    const stored = await this.repository.findPolicy(model);
    return { policy: this.resolve(stored?.policy ?? { modelName: model }), updatedAt: stored?.updatedAt };
  }

  async set(actor: string, input: PolicyInput): Promise<{ policy: Policy; updatedAt: Date }> {
    if (!input.modelName) throw invalidArgument('model_name is required');
    const policy = this.resolve(input);
    const problems = policyProblems(policy);
    if (problems.length > 0) throw invalidArgument(`deployment policy of "${input.modelName}": ${problems.join('; ')}`);
    const updatedAt = await this.repository.savePolicy(input, actor);
    this.logger.info('deployment policy set', { model: input.modelName, by: actor, strategy: policy.strategy, manual: policy.manual });
    return { policy, updatedAt };
  }

  private resolve(input: PolicyInput): Policy {
    return resolvePolicy(input, { strategy: this.config.defaultStrategy, intervalSeconds: this.config.defaultIntervalSeconds });
  }
}

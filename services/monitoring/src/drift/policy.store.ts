import { Injectable } from '@nestjs/common';
import { invalidArgument } from '@mlops/errors';
import { type MonitoringPolicy, type MonitoringPolicyInput, monitoringPolicyProblems, resolveMonitoringPolicy } from './domain/policy';
import { DriftRepository } from './drift.repository';

/** Models' monitoring policies: stored, validated, and cached for the hot path (data drift and
 * late labels read them per batch; they change rarely, so a change is seen within 5 s). */
@Injectable()
export class PolicyStore {
  private readonly cache = new Map<string, { policy: MonitoringPolicy; at: number }>();

  constructor(private readonly repository: DriftRepository) {}

  async get(model: string): Promise<{ policy: MonitoringPolicy; updatedAt?: Date }> {
    const stored = await this.repository.findPolicy(model);
    return { policy: resolveMonitoringPolicy(stored?.policy ?? { modelName: model }), updatedAt: stored?.updatedAt };
  }

  async set(actor: string, input: MonitoringPolicyInput): Promise<{ policy: MonitoringPolicy; updatedAt: Date }> {
    if (!input.modelName) throw invalidArgument('model_name is required');
    const policy = resolveMonitoringPolicy(input);
    const problems = monitoringPolicyProblems(policy);
    if (problems.length > 0) throw invalidArgument(`monitoring policy of "${input.modelName}": ${problems.join('; ')}`);
    const updatedAt = await this.repository.savePolicy(input, actor);
    this.cache.delete(input.modelName);
    return { policy, updatedAt };
  }

  async current(model: string): Promise<MonitoringPolicy> {
    const cached = this.cache.get(model);
    if (cached && Date.now() - cached.at < 5000) return cached.policy;
    const { policy } = await this.get(model);
    this.cache.set(model, { policy, at: Date.now() });
    return policy;
  }
}

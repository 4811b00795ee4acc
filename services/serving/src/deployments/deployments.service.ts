import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { failedPrecondition, invalidArgument, isDomainError, notFound, unavailable } from '@mlops/errors';
import { OutboxRelay } from '@mlops/messaging';
import { JsonLogger, currentCorrelationId, withCorrelation } from '@mlops/observability';
import { registry } from '@mlops/contracts';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { ModelStore } from '../models/model-store';
import { Measurements } from '../routing/measurements';
import { RoutingTable } from '../routing/routing-table';
import { ServingMetrics } from '../serving.metrics';
import { type AnalysisRecord, DeploymentsRepository } from './deployments.repository';
import { type CheckResult, analyseWindow } from './domain/analysis';
import { type Deployment, type DeploymentChange, TransitionRefused, afterAnalysis, initialState, pause, promote, resume, rollback } from './domain/deployment';
import { type Policy, type PolicyInput, type StrategyName, policyProblems, resolvePolicy } from './domain/policy';
import { mergeStats } from './domain/window-stats';
import { RegistryClient } from './registry.client';

interface StartSpec {
  model: string;
  version: number;
  strategy?: StrategyName;
  startedBy: string;
  reason: string;
  /** What started it; the same trigger never starts a second deployment. */
  triggerKey: string | null;
  /** A newer version replaces an active rollout (events), or is refused (operators). */
  supersede: boolean;
}

/**
 * Deployments of model versions: policies, starting a rollout (from a registry event or an
 * operator), the analysis of each interval and what it leads to, promotion through the
 * registry's production alias, and the operator's controls. Every state change is stored with
 * its event in one transaction.
 */
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly registry: RegistryClient,
    private readonly models: ModelStore,
    private readonly table: RoutingTable,
    private readonly measurements: Measurements,
    private readonly relay: OutboxRelay,
    private readonly metrics: ServingMetrics,
    private readonly logger: JsonLogger,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {}

  async getPolicy(model: string): Promise<{ policy: Policy; updatedAt?: Date }> {
    const stored = await this.repository.findPolicy(model);
    return { policy: this.resolve(stored?.policy ?? { modelName: model }), updatedAt: stored?.updatedAt };
  }

  async setPolicy(actor: string, input: PolicyInput): Promise<{ policy: Policy; updatedAt: Date }> {
    if (!input.modelName) throw invalidArgument('model_name is required');
    const policy = this.resolve(input);
    const problems = policyProblems(policy);
    if (problems.length > 0) throw invalidArgument(`deployment policy of "${input.modelName}": ${problems.join('; ')}`);
    const updatedAt = await this.repository.savePolicy(input, actor);
    this.logger.info('deployment policy set', { model: input.modelName, by: actor, strategy: policy.strategy, manual: policy.manual });
    return { policy, updatedAt };
  }

  /** A version became READY in the registry: its model's policy decides what happens. The
   * trigger key (model and version) makes a replayed or re-published event start nothing new. */
  async onVersionRegistered(model: string, version: number): Promise<void> {
    const { policy } = await this.getPolicy(model);
    if (policy.manual) {
      this.logger.info('new version waits for an operator (manual policy)', { model, version });
      return;
    }
    try {
      await this.start({ model, version, startedBy: 'registry', reason: `version ${version} registered`, triggerKey: `registered:${model}:${version}`, supersede: true });
    } catch (error) {
      // The registry commits a version before announcing it, so an unknown version is not ours
      // to wait for (an event of another registry on a shared broker, or a deleted model).
      if (!(isDomainError(error) && error.kind === 'NOT_FOUND')) throw error;
      this.logger.warn('registered version not found in the registry: not deployed', { model, version, error: error.message });
    }
  }

  startByOperator(actor: string, model: string, version: number, strategy: StrategyName | undefined, reason: string): Promise<Deployment> {
    if (!model || !(version > 0)) throw invalidArgument('model_name and a positive version are required');
    return this.start({ model, version, strategy, startedBy: actor, reason: reason || `started by ${actor}`, triggerKey: null, supersede: false }).then((d) => d!);
  }

  async get(id: string, model: string): Promise<{ deployment: Deployment; last?: AnalysisRecord }> {
    const deployment = id ? await this.repository.findById(id) : await this.repository.findLatest(model);
    if (!deployment) throw notFound(id ? `deployment ${id} does not exist` : `model "${model}" has no deployments`);
    const [last] = await this.repository.listAnalyses(deployment.id, true);
    return { deployment, last };
  }

  list(model: string, activeOnly: boolean, limit: number): Promise<Deployment[]> {
    return this.repository.list({ model, activeOnly, limit: limit > 0 ? Math.min(limit, 1000) : 50 });
  }

  async listAnalyses(deploymentId: string): Promise<AnalysisRecord[]> {
    if (!(await this.repository.findById(deploymentId))) throw notFound(`deployment ${deploymentId} does not exist`);
    return this.repository.listAnalyses(deploymentId);
  }

  /** An operator's pause, resume, promote or rollback of the model's active deployment. */
  async act(actor: string, model: string, action: 'pause' | 'resume' | 'promote' | 'rollback', reason: string): Promise<Deployment> {
    const why = `${reason || `${action} by an operator`} (by ${actor})`;
    const updated = await this.repository.transaction(async (manager) => {
      const d = await this.repository.findActive(model, manager, true);
      if (!d) throw notFound(`model "${model}" has no active deployment`);
      let change: DeploymentChange;
      try {
        change = action === 'pause' ? pause(d, why) : action === 'resume' ? resume(d, why, new Date()) : action === 'promote' ? promote(d, why) : rollback(d, why);
      } catch (error) {
        if (error instanceof TransitionRefused) throw failedPrecondition(error.message);
        throw error;
      }
      return withCorrelation(d.correlationId, () => this.repository.update(manager, d, change));
    });
    this.logger.info(`deployment ${action}`, { model, deployment: updated!.id, by: actor, state: updated!.state });
    await this.afterChange();
    return updated!;
  }

  /** Analyses every deployment whose interval is over; each in its own transaction, claimed so
   * that one replica does it. */
  async analyseDue(): Promise<number> {
    await this.measurements.flush(this.table.windows());
    let analysed = 0;
    for (;;) {
      const done = await this.repository.transaction(async (manager) => {
        const [d] = await this.repository.claimDue(manager, 1);
        if (d) await withCorrelation(d.correlationId, () => this.analyse(manager, d));
        return d !== undefined;
      });
      if (!done) break;
      analysed++;
    }
    if (analysed > 0) await this.afterChange();
    return analysed;
  }

  /** Moves the production alias for deployments in `promoting`; a refusal (approval needed) or
   * an unreachable registry is retried later, so a promotion survives restarts and outages. */
  async completePromotions(): Promise<void> {
    for (const d of await this.repository.listPromoting()) {
      if (d.nextAnalysisAt && d.nextAnalysisAt.getTime() > Date.now()) continue;
      await withCorrelation(d.correlationId, async () => {
        try {
          await this.registry.moveProduction(d.modelName, d.candidateVersion, `deployment ${d.id}: ${d.reason}`);
        } catch (error) {
          const waiting = isDomainError(error) && error.kind === 'FAILED_PRECONDITION';
          const retryMs = waiting ? d.policy.intervalSeconds * 1000 : 2000;
          await this.repository.note(d.id, waiting ? `promotion waits: ${error.message}` : d.reason, new Date(Date.now() + retryMs));
          this.logger.warn('promotion not done yet, will retry', { model: d.modelName, deployment: d.id, error: (error as Error).message, retryMs });
          return;
        }
        const promoted = await this.repository.transaction((manager) =>
          this.repository.update(manager, d, { state: 'promoted', nextAnalysisAt: null, reason: `promoted: production is version ${d.candidateVersion}` }, 'promoting'),
        );
        if (promoted) this.logger.info('deployment promoted', { model: d.modelName, deployment: d.id, version: d.candidateVersion, stable: d.stableVersion });
      });
    }
    await this.afterChange();
  }

  private resolve(input: PolicyInput): Policy {
    return resolvePolicy(input, { strategy: this.config.defaultStrategy, intervalSeconds: this.config.defaultIntervalSeconds });
  }

  private async start(spec: StartSpec): Promise<Deployment | undefined> {
    const replay = spec.triggerKey ? await this.repository.findByTrigger(spec.triggerKey) : undefined;
    if (replay) {
      this.logger.info('deployment already started by this trigger', { model: spec.model, version: spec.version, deployment: replay.id });
      return replay;
    }
    if (!spec.supersede) await this.refuseWhileActive(spec.model);
    const version = await this.registry.version(spec.model, spec.version);
    if (version.status !== registry.VersionStatus.VERSION_STATUS_READY) throw failedPrecondition(`model "${spec.model}" version ${spec.version} is not ready`);
    const stable = await this.registry.productionVersion(spec.model);
    if (stable === spec.version && !spec.supersede) throw failedPrecondition(`version ${spec.version} of "${spec.model}" is already the production version`);
    // Events only move forward: a registration older than production (a new consumer group
    // reading the topic's history, say) deploys nothing. Operators may roll out any version.
    if (spec.supersede && spec.version <= stable) {
      this.logger.info('version is not newer than production: nothing to deploy', { model: spec.model, version: spec.version, production: stable });
      return undefined;
    }
    const { policy } = await this.getPolicy(spec.model);
    // Loaded and warmed up here before any traffic can reach it.
    const loadFailure = await this.models.get(spec.model, spec.version).then(() => undefined, (error: Error) => error.message);
    const created = await this.repository.transaction((manager) => this.create(manager, spec, policy, stable, loadFailure));
    await this.afterChange();
    return created;
  }

  private async create(manager: EntityManager, spec: StartSpec, policy: Policy, stable: number, loadFailure: string | undefined): Promise<Deployment | undefined> {
    if (!spec.supersede) await this.refuseWhileActive(spec.model, manager);
    const active = await this.repository.findActive(spec.model, manager, true);
    if (active) {
      if (active.candidateVersion >= spec.version) {
        this.logger.info('version is older than the active candidate: not deployed', { model: spec.model, version: spec.version, active: active.candidateVersion });
        return undefined;
      }
      if (active.state === 'promoting') throw unavailable(`deployment ${active.id} of "${spec.model}" is promoting; version ${spec.version} starts after it`);
      await this.repository.update(manager, active, rollback(active, `superseded by version ${spec.version}`));
    }
    const now = new Date();
    const start = initialState(spec.strategy ?? policy.strategy, policy, stable, now);
    const deployment: Deployment = {
      id: randomUUID(),
      modelName: spec.model,
      stableVersion: stable,
      candidateVersion: spec.version,
      failedChecks: 0,
      window: 1,
      policy,
      startedBy: spec.startedBy,
      correlationId: currentCorrelationId() ?? randomUUID(),
      createdAt: now,
      updatedAt: now,
      ...start,
      ...(loadFailure ? { state: 'rolled_back' as const, phase: 'done' as const, weight: 0, mirrorPercent: 0, nextAnalysisAt: null, reason: `the candidate could not be loaded: ${loadFailure}` } : {}),
    };
    await this.repository.insert(manager, deployment, spec.triggerKey);
    this.logger.info('deployment started', { model: spec.model, deployment: deployment.id, strategy: deployment.strategy, stable, candidate: spec.version, state: deployment.state, weight: deployment.weight, by: spec.startedBy });
    return deployment;
  }

  private async refuseWhileActive(model: string, manager?: EntityManager): Promise<void> {
    const active = await this.repository.findActive(model, manager, manager !== undefined);
    if (active) throw failedPrecondition(`model "${model}" has an active deployment (${active.id}, version ${active.candidateVersion}, ${active.state}); promote or roll it back first`);
  }

  private async analyse(manager: EntityManager, d: Deployment): Promise<void> {
    const { candidate, stable } = await this.repository.windowStats(manager, d.id, d.window);
    const task = this.models.loaded(d.modelName, d.candidateVersion)?.task ?? 'classification';
    const c = mergeStats(candidate);
    const s = mergeStats(stable);
    const result = analyseWindow(c, s, d.policy.thresholds, task, d.phase);
    const failed = result.checks.filter((check) => check.verdict === 'fail').map(describeFailure);
    const now = new Date();
    const { change, action } = afterAnalysis(d, result.verdict, failed, now);
    await this.repository.insertAnalysis(manager, { deploymentId: d.id, number: d.window, phase: d.phase, step: d.step, weight: d.weight, candidateRequests: c.requests, stableRequests: s.requests, checks: result.checks, verdict: result.verdict, action, at: now });
    await this.repository.update(manager, d, change);
    this.metrics.analyses.labels(d.modelName, result.verdict).inc();
    this.logger.info('deployment analysed', { model: d.modelName, deployment: d.id, window: d.window, phase: d.phase, weight: d.weight, verdict: result.verdict, action, candidateRequests: c.requests, stableRequests: s.requests, failed });
  }

  private async afterChange(): Promise<void> {
    this.relay.nudge();
    await this.table.refresh();
  }
}

function describeFailure(check: CheckResult): string {
  const v = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  if (check.name === 'accuracy') return `accuracy ${v(check.value)} < stable ${v(check.stableValue)} − ${check.threshold}`;
  if (check.name === 'mae') return `mae ${v(check.value)} > stable ${v(check.stableValue)} × (1 + ${check.threshold})`;
  return `${check.name} ${v(check.value)} > ${check.threshold}`;
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { registry } from '@mlops/contracts';
import { type DomainError, failedPrecondition, invalidArgument, isDomainError, unavailable } from '@mlops/errors';
import { OutboxRelay } from '@mlops/messaging';
import { JsonLogger, currentCorrelationId, withCorrelation } from '@mlops/observability';
import { ModelStore } from '../models/model-store';
import { RoutingTable } from '../routing/routing-table';
import { DeploymentsRepository } from './deployments.repository';
import { type Deployment, initialState, rollback } from './domain/deployment';
import type { Policy, StrategyName } from './domain/policy';
import { PolicyStore } from './policy.store';
import { ApprovalGate } from './approval-gate';
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

const isKind = (error: unknown, kind: DomainError['kind']) => isDomainError(error) && error.kind === kind;

/**
 * Starting rollouts: from a registry event (by the model's policy) or an operator. A start that
 * cannot happen yet (the registry away, the model's rollout promoting, the candidate's artifact
 * out of reach) is queued and retried by the scheduler, so a registration is never lost to a
 * transient failure; one that can never happen (an unknown version, a manual policy) is not.
 */
@Injectable()
export class RolloutStarter {
  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly registry: RegistryClient,
    private readonly approvals: ApprovalGate,
    private readonly policies: PolicyStore,
    private readonly models: ModelStore,
    private readonly table: RoutingTable,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
  ) {}

  /** A version became READY in the registry: its model's policy decides what happens. The
   * trigger key (model and version) makes a replayed or re-published event start nothing new. */
  async onVersionRegistered(model: string, version: number): Promise<void> {
    const { policy } = await this.policies.get(model);
    if (policy.manual) {
      this.logger.info('new version waits for an operator (manual policy)', { model, version });
      return;
    }
    const spec: StartSpec = { model, version, startedBy: 'registry', reason: `version ${version} registered`, triggerKey: `registered:${model}:${version}`, supersede: true };
    try {
      await this.start(spec);
    } catch (error) {
      await this.handleFailedStart(spec, error, 0);
    }
  }

  startByOperator(actor: string, model: string, version: number, strategy: StrategyName | undefined, reason: string): Promise<Deployment> {
    if (!model || !(version > 0)) throw invalidArgument('model_name and a positive version are required');
    return this.start({ model, version, strategy, startedBy: actor, reason: reason || `started by ${actor}`, triggerKey: null, supersede: false }).then((d) => {
      if (!d) throw failedPrecondition(`version ${version} of "${model}" was not deployed`);
      return d;
    });
  }

  /** Retries queued starts that are due (the scheduler calls this every tick). */
  async startQueued(): Promise<void> {
    for (const q of await this.repository.claimQueued()) {
      await withCorrelation(q.correlationId || undefined, async () => {
        const spec: StartSpec = { model: q.modelName, version: q.version, startedBy: q.startedBy, reason: q.reason, triggerKey: q.triggerKey, supersede: true };
        try {
          await this.start(spec);
          await this.repository.dequeue(q.triggerKey);
        } catch (error) {
          await this.handleFailedStart(spec, error, q.attempts + 1);
        }
      });
    }
  }

  private async handleFailedStart(spec: StartSpec, error: unknown, attempts: number): Promise<void> {
    // The registry commits a version before announcing it, so an unknown version is not ours
    // to wait for (an event of another registry on a shared broker, or a deleted model).
    if (isKind(error, 'NOT_FOUND') || isKind(error, 'FAILED_PRECONDITION') || isKind(error, 'INVALID_ARGUMENT')) {
      this.logger.warn('registered version not deployed', { model: spec.model, version: spec.version, error: (error as Error).message });
      if (spec.triggerKey) await this.repository.dequeue(spec.triggerKey);
      return;
    }
    const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6));
    await this.repository.enqueue({ triggerKey: spec.triggerKey!, modelName: spec.model, version: spec.version, startedBy: spec.startedBy, reason: spec.reason, correlationId: currentCorrelationId() ?? '' }, (error as Error).message, delayMs);
    this.logger.warn('rollout cannot start yet, queued', { model: spec.model, version: spec.version, retryInMs: delayMs, attempts, error: (error as Error).message });
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
    const { policy } = await this.policies.get(spec.model);
    // Loaded and warmed up here before any traffic can reach it. A transient failure (the
    // artifact out of reach) is retried; a permanent one rejects the candidate.
    let loadFailure: string | undefined;
    const loaded = await this.models.get(spec.model, spec.version).catch((error: unknown) => {
      if (isKind(error, 'UNAVAILABLE')) throw error;
      loadFailure = error instanceof Error ? error.message : String(error);
      return undefined;
    });
    const task = loaded?.task ?? 'classification';
    let created: Deployment | undefined;
    try {
      created = await this.repository.transaction((manager) => this.create(manager, spec, policy, task, loadFailure));
    } catch (error) {
      // Two starts of the same model raced for its one active slot: the loser tries again later.
      if ((error as { code?: string }).code === '23505') throw unavailable(`another rollout of "${spec.model}" started at the same time`);
      throw error;
    }
    this.afterChange();
    return created;
  }

  private async create(manager: EntityManager, spec: StartSpec, policy: Policy, task: Deployment['task'], loadFailure: string | undefined): Promise<Deployment | undefined> {
    const active = await this.repository.findActive(spec.model, manager, true);
    if (active && !spec.supersede) await this.refuseWhileActive(spec.model, manager);
    // Read now, under the model's lock: a rollout that promoted meanwhile moved it.
    const stable = await this.registry.productionVersion(spec.model);
    if (stable === spec.version && !spec.supersede) throw failedPrecondition(`version ${spec.version} of "${spec.model}" is already the production version`);
    // Events only move forward: a registration not newer than production (a new consumer group
    // reading the topic's history, say) deploys nothing. Operators may roll out any version.
    if (spec.supersede && spec.version <= stable) {
      this.logger.info('version is not newer than production: nothing to deploy', { model: spec.model, version: spec.version, production: stable });
      return undefined;
    }
    const now = new Date();
    const base = { id: randomUUID(), modelName: spec.model, stableVersion: stable, candidateVersion: spec.version, task, failedChecks: 0, window: 1, policy, startedBy: spec.startedBy, correlationId: currentCorrelationId() ?? randomUUID(), createdAt: now, updatedAt: now };
    if (loadFailure) {
      // Recorded (and announced) as rejected; an active rollout of an earlier version goes on.
      const rejected: Deployment = { ...base, ...initialState(spec.strategy ?? policy.strategy, policy, stable, now), state: 'rolled_back', phase: 'done', weight: 0, mirrorPercent: 0, nextAnalysisAt: null, reason: `the candidate could not be loaded: ${loadFailure}` };
      await this.repository.insert(manager, rejected, spec.triggerKey);
      this.logger.warn('candidate could not be loaded: rejected', { model: spec.model, version: spec.version, error: loadFailure });
      return rejected;
    }
    if (active) {
      if (active.candidateVersion >= spec.version) {
        this.logger.info('version is older than the active candidate: not deployed', { model: spec.model, version: spec.version, active: active.candidateVersion });
        return undefined;
      }
      if (active.state === 'promoting') throw unavailable(`deployment ${active.id} of "${spec.model}" is promoting; version ${spec.version} starts after it`);
      await this.repository.update(manager, active, rollback(active, `superseded by version ${spec.version}`));
    }
    const initial = initialState(spec.strategy ?? policy.strategy, policy, stable, now);
    // A basic deployment over a stable version needs the candidate's approval first, where the
    // policy asks for one: it waits at weight 0 (the stable version keeps all traffic).
    const gated = await this.approvals.gate({ ...base, weight: 0, mirrorPercent: 0, policy }, initial);
    const deployment: Deployment = { ...base, ...initial, ...gated };
    await this.repository.insert(manager, deployment, spec.triggerKey);
    this.logger.info('deployment started', { model: spec.model, deployment: deployment.id, strategy: deployment.strategy, stable, candidate: spec.version, state: deployment.state, weight: deployment.weight, by: spec.startedBy });
    return deployment;
  }

  private async refuseWhileActive(model: string, manager?: EntityManager): Promise<void> {
    const active = await this.repository.findActive(model, manager, manager !== undefined);
    if (active) throw failedPrecondition(`model "${model}" has an active deployment (${active.id}, version ${active.candidateVersion}, ${active.state}); promote or roll it back first`);
  }

  private afterChange(): void {
    this.relay.nudge();
    this.table.refresh().catch((error) => this.logger.warn('routing refresh failed', { error }));
  }
}

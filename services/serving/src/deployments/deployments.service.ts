import { Injectable } from '@nestjs/common';
import { failedPrecondition, isDomainError, notFound } from '@mlops/errors';
import { OutboxRelay } from '@mlops/messaging';
import { JsonLogger, withCorrelation } from '@mlops/observability';
import { UUID_PATTERN, idOfToken, idToken, keysetOfToken, keysetToken, pageFrom, pageSize } from '@mlops/persistence';
import type { EntityManager } from 'typeorm';
import { ModelStore } from '../models/model-store';
import { Measurements } from '../routing/measurements';
import { RoutingTable } from '../routing/routing-table';
import { ServingMetrics } from '../serving.metrics';
import { type AnalysisRecord, DeploymentsRepository } from './deployments.repository';
import { type AnalysisResult, type CheckResult, analyseWindow } from './domain/analysis';
import { ApprovalGate } from './approval-gate';
import { type Deployment, type DeploymentChange, TransitionRefused, afterAnalysis, approved, pause, promote, resume, rollback } from './domain/deployment';
import { mergeStats } from './domain/window-stats';
import { RegistryClient } from './registry.client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeploymentQuery {
  /** Empty: every model's. */
  model: string;
  activeOnly: boolean;
  limit: number;
  pageToken: string;
}

/**
 * Deployments under way: the analysis of each interval and what it leads to, promotion through
 * the registry's production alias, the operator's controls, and the queries. Every state change
 * is stored with its event in one transaction. (Starting rollouts: RolloutStarter.)
 */

/** How long a replica holds the right to move a promotion's alias (longer than the registry call's 15 s deadline). */
const PROMOTION_LEASE_MS = 20_000;
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly registry: RegistryClient,
    private readonly approvals: ApprovalGate,
    private readonly models: ModelStore,
    private readonly table: RoutingTable,
    private readonly measurements: Measurements,
    private readonly relay: OutboxRelay,
    private readonly metrics: ServingMetrics,
    private readonly logger: JsonLogger,
  ) {}

  async get(id: string, model: string): Promise<{ deployment: Deployment; last?: AnalysisRecord }> {
    if (id && !UUID.test(id)) throw notFound(`deployment ${id} does not exist`);
    const deployment = id ? await this.repository.findById(id) : await this.repository.findLatest(model);
    if (!deployment) throw notFound(id ? `deployment ${id} does not exist` : `model "${model}" has no deployments`);
    const last = await this.repository.lastAnalysis(deployment.id);
    return { deployment, last };
  }

  /** A page of deployments, newest first; the token continues after it. */
  async list(query: DeploymentQuery): Promise<{ deployments: Deployment[]; nextPageToken: string }> {
    const limit = pageSize(query.limit, { fallback: 50, max: 500 });
    const after = keysetOfToken(query.pageToken, UUID_PATTERN);
    const { page, nextPageToken } = pageFrom(await this.repository.list({ model: query.model, activeOnly: query.activeOnly, after, limit: limit + 1 }), limit, (last) => keysetToken(last.position));
    return { deployments: page.map((r) => r.deployment), nextPageToken };
  }

  /** A page of a deployment's analyses in order (at most 1,000). */
  async listAnalyses(deploymentId: string, limit = 0, pageToken = ''): Promise<{ analyses: AnalysisRecord[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: 1000, max: 1000 });
    const after = idOfToken(pageToken);
    if (!UUID.test(deploymentId) || !(await this.repository.findById(deploymentId))) throw notFound(`deployment ${deploymentId} does not exist`);
    const { page, nextPageToken } = pageFrom(await this.repository.listAnalyses(deploymentId, size + 1, after), size, (last) => idToken(last.number));
    return { analyses: page, nextPageToken };
  }

  /** An operator's pause, resume, promote or rollback of the model's active deployment. */
  async act(actor: string, model: string, action: 'pause' | 'resume' | 'promote' | 'rollback', reason: string): Promise<Deployment> {
    const why = `${reason || `${action} by an operator`} (by ${actor})`;
    const current = await this.repository.findActive(model);
    // A promotion the registry keeps refusing may be abandoned, unless the alias moved already.
    if (action === 'rollback' && current?.state === 'promoting' && (await this.registry.productionVersion(model)) === current.candidateVersion) {
      throw failedPrecondition(`version ${current.candidateVersion} of "${model}" is production already; deploy the previous version to go back`);
    }
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
      const next = await withCorrelation(d.correlationId, async () => this.repository.update(manager, d, await this.approvals.gate(d, change)));
      if (!next) throw failedPrecondition(`deployment ${d.id} changed meanwhile; try again`);
      return next;
    });
    this.logger.info(`deployment ${action}`, { model, deployment: updated.id, by: actor, state: updated.state });
    await this.afterChange();
    return updated;
  }

  /** Analyses every deployment whose interval is over; each in its own transaction, claimed so
   * that one replica does it. */
  async analyseDue(): Promise<number> {
    // The routing table (at most SERVING_ROUTING_REFRESH_MS old) says whether anything is due,
    // so an idle scheduler tick costs no database round trip.
    const now = Date.now();
    if (!this.table.deployments().some((d) => d.state === 'progressing' && d.nextAnalysisAt !== null && d.nextAnalysisAt.getTime() <= now)) return 0;
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

  /**
   * Moves the production alias for deployments in `promoting`. A refusal (approval needed) or an
   * unreachable registry is retried later, across restarts; a version the registry no longer has
   * rolls the deployment back. If an operator rolled the deployment back while the alias was
   * being moved, the move is undone.
   */
  async completePromotions(): Promise<void> {
    // Due ones only, each claimed by one replica at a time.
    if (!this.table.deployments().some((d) => d.state === 'promoting')) return;
    for (const d of await this.repository.listPromoting()) {
      if (!(await this.repository.claimPromotion(d.id, PROMOTION_LEASE_MS))) continue;
      await withCorrelation(d.correlationId, () => this.completePromotion(d));
    }
  }

  private async completePromotion(d: Deployment): Promise<void> {
    try {
      await this.registry.moveProduction(d.modelName, d.candidateVersion, `deployment ${d.id} started by ${d.startedBy}: ${d.reason}`);
    } catch (error) {
      const kind = isDomainError(error) ? error.kind : 'INTERNAL';
      if (kind === 'NOT_FOUND') {
        await this.repository.transaction((m) => this.repository.update(m, d, rollback(d, `promotion impossible: ${(error as Error).message}`), 'promoting'));
        this.logger.warn('promotion impossible: rolled back', { model: d.modelName, deployment: d.id, error: (error as Error).message });
        await this.afterChange();
        return;
      }
      const retryMs = kind === 'FAILED_PRECONDITION' ? d.policy.intervalSeconds * 1000 : 2000;
      await this.repository.notePromotion(d.id, kind === 'FAILED_PRECONDITION' ? `promotion waits: ${(error as Error).message}` : d.reason, new Date(Date.now() + retryMs));
      this.logger.warn('promotion not done yet, will retry', { model: d.modelName, deployment: d.id, error: (error as Error).message, retryMs });
      return;
    }
    const promoted = await this.repository.transaction((m) => this.repository.update(m, d, { state: 'promoted', nextAnalysisAt: null, reason: `promoted: production is version ${d.candidateVersion}` }, 'promoting'));
    if (promoted) {
      this.logger.info('deployment promoted', { model: d.modelName, deployment: d.id, version: d.candidateVersion, stable: d.stableVersion });
    } else if ((await this.repository.findById(d.id))?.state === 'rolled_back' && d.stableVersion > 0) {
      await this.registry.moveProduction(d.modelName, d.stableVersion, `deployment ${d.id} was rolled back while promoting`);
      this.logger.warn('rolled back while promoting: production moved back', { model: d.modelName, deployment: d.id, version: d.stableVersion });
    }
    await this.afterChange();
  }

  private async analyse(manager: EntityManager, d: Deployment): Promise<void> {
    const { candidate, stable } = await this.repository.windowStats(manager, d.id, d.window);
    const c = mergeStats(candidate);
    const s = mergeStats(stable);
    const result = withLoadCheck(analyseWindow(c, s, d.policy.thresholds, d.task, d.phase), c.requests, this.models.loadFailure(d.modelName, d.candidateVersion));
    const failed = result.checks.filter((check) => check.verdict === 'fail').map(describeFailure);
    const now = new Date();
    const { change, action } = afterAnalysis(d, result.verdict, failed, now);
    await this.repository.insertAnalysis(manager, { deploymentId: d.id, number: d.window, phase: d.phase, step: d.step, weight: d.weight, candidateRequests: c.requests, stableRequests: s.requests, checks: result.checks, verdict: result.verdict, action, at: now });
    await this.repository.update(manager, d, await this.approvals.gate(d, change));
    this.metrics.analyses.labels(d.modelName, result.verdict).inc();
    this.logger.info('deployment analysed', { model: d.modelName, deployment: d.id, window: d.window, phase: d.phase, weight: d.weight, verdict: result.verdict, action, candidateRequests: c.requests, stableRequests: s.requests, failed });
  }

  /** Deployments awaiting an approval whose check is due: promoted once the registry has the
   * approval, else checked again after the policy's interval. Returns how many went ahead. */
  async releaseApproved(): Promise<number> {
    const now = Date.now();
    if (!this.table.deployments().some((d) => d.state === 'awaiting_approval' && (d.nextAnalysisAt === null || d.nextAnalysisAt.getTime() <= now))) return 0;
    let released = 0;
    for (const d of await this.repository.listAwaitingApproval()) {
      const pending = await this.approvals.pending(d);
      const next = await this.repository.transaction((m) =>
        withCorrelation(d.correlationId, () => this.repository.update(m, d, pending ? { nextAnalysisAt: new Date(now + d.policy.intervalSeconds * 1000) } : approved(d), 'awaiting_approval')),
      );
      if (next && !pending) {
        released++;
        this.logger.info('deployment approved: promoting', { model: d.modelName, deployment: d.id, version: d.candidateVersion });
      }
    }
    if (released > 0) await this.afterChange();
    return released;
  }

  /** After a committed change: the outbox and the routing table catch up; their failures are
   * logged, not reported as the change's (it happened). */
  private async afterChange(): Promise<void> {
    this.relay.nudge();
    await this.table.refresh().catch((error) => this.logger.warn('routing refresh failed', { error }));
  }
}

/** A candidate this process cannot load took no traffic: that fails the interval instead of
 * waiting for measurements that will never come. */
function withLoadCheck(result: AnalysisResult, candidateRequests: number, loadFailure: string | undefined): AnalysisResult {
  if (!loadFailure || candidateRequests > 0) return result;
  return { verdict: 'fail', checks: [...result.checks, { name: 'candidate_loaded', value: 0, stableValue: 1, threshold: 1, samples: 0, verdict: 'fail' }] };
}

function describeFailure(check: CheckResult): string {
  const v = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  if (check.name === 'accuracy') return `accuracy ${v(check.value)} < stable ${v(check.stableValue)} − ${check.threshold}`;
  if (check.name === 'mae') return `mae ${v(check.value)} > stable ${v(check.stableValue)} × (1 + ${check.threshold})`;
  if (check.name === 'candidate_loaded') return 'the candidate could not be loaded';
  return `${check.name} ${v(check.value)} > ${check.threshold}`;
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { Outbox } from '@mlops/messaging';
import { type KeysetPosition, returnedRows, schemaOf } from '@mlops/persistence';
import type { CheckResult } from './domain/analysis';
import { ACTIVE_STATES, type Deployment, type DeploymentChange, type Phase, type VerdictName } from './domain/deployment';
import type { Policy, PolicyInput } from './domain/policy';
import { type WindowStats, emptyStats } from './domain/window-stats';

type Row = Record<string, unknown>;

export interface AnalysisRecord {
  deploymentId: string;
  number: number;
  phase: Phase;
  step: number;
  weight: number;
  candidateRequests: number;
  stableRequests: number;
  checks: CheckResult[];
  verdict: VerdictName;
  action: string;
  at: Date;
}

/** A rollout waiting to start (see deployment_queue in the migration). */
export interface QueuedStart {
  triggerKey: string;
  modelName: string;
  version: number;
  startedBy: string;
  reason: string;
  correlationId: string;
  attempts: number;
}

export interface WindowStatsRow {
  deploymentId: string;
  window: number;
  instanceId: string;
  role: 'candidate' | 'stable';
  stats: WindowStats;
}

const ACTIVE = ACTIVE_STATES.map((s) => `'${s}'`).join(', ');

/** All of the deployments feature's I/O on Postgres: deployments, policies, analyses,
 * measurements, and the events announcing changes (through the outbox, in the same transaction). */
@Injectable()
export class DeploymentsRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.s = schemaOf(dataSource);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findPolicy(model: string): Promise<{ policy: PolicyInput; updatedAt: Date } | undefined> {
    const [row] = await this.dataSource.query(`SELECT policy, updated_at FROM "${this.s}".deployment_policies WHERE model_name = $1`, [model]);
    return row && { policy: row.policy as PolicyInput, updatedAt: row.updated_at as Date };
  }

  async savePolicy(input: PolicyInput, by: string): Promise<Date> {
    const [row] = await this.dataSource.query(
      `INSERT INTO "${this.s}".deployment_policies (model_name, policy, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (model_name) DO UPDATE SET policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING updated_at`,
      [input.modelName, JSON.stringify(input), by],
    );
    return row.updated_at as Date;
  }

  async findById(id: string, manager?: EntityManager, lock = false): Promise<Deployment | undefined> {
    const [row] = await this.m(manager).query(`SELECT * FROM "${this.s}".deployments WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return row && toDeployment(row);
  }

  async findByTrigger(key: string, manager?: EntityManager): Promise<Deployment | undefined> {
    const [row] = await this.m(manager).query(`SELECT * FROM "${this.s}".deployments WHERE trigger_key = $1`, [key]);
    return row && toDeployment(row);
  }

  async findActive(model: string, manager?: EntityManager, lock = false): Promise<Deployment | undefined> {
    const [row] = await this.m(manager).query(`SELECT * FROM "${this.s}".deployments WHERE model_name = $1 AND state IN (${ACTIVE}) ${lock ? 'FOR UPDATE' : ''}`, [model]);
    return row && toDeployment(row);
  }

  async findLatest(model: string): Promise<Deployment | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM "${this.s}".deployments WHERE model_name = $1 ORDER BY created_at DESC LIMIT 1`, [model]);
    return row && toDeployment(row);
  }

  /** Newest first: at most `limit` deployments after `after` (when given), of the model (when given). */
  async list(filter: { model?: string; activeOnly?: boolean; after?: KeysetPosition; limit: number }): Promise<{ deployment: Deployment; position: KeysetPosition }[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us FROM "${this.s}".deployments
        WHERE ($1 = '' OR model_name = $1) ${filter.activeOnly ? `AND state IN (${ACTIVE})` : ''}
          ${filter.after ? `AND (created_at, id) < ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::uuid)` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [filter.model ?? '', filter.limit, ...(filter.after ? [filter.after.createdUs, filter.after.id] : [])],
    );
    return rows.map((row) => ({ deployment: toDeployment(row), position: { createdUs: row.created_us as string, id: row.id as string } }));
  }

  /** Every active deployment (the routing table). */
  async listActive(): Promise<Deployment[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "${this.s}".deployments WHERE state IN (${ACTIVE})`);
    return rows.map(toDeployment);
  }

  /** Progressing deployments whose analysis is due, locked for this transaction; other
   * replicas skip them, so each analysis happens once. */
  async claimDue(manager: EntityManager, limit = 10): Promise<Deployment[]> {
    const rows: Row[] = await manager.query(
      `SELECT * FROM "${this.s}".deployments WHERE state = 'progressing' AND next_analysis_at <= now()
       ORDER BY next_analysis_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toDeployment);
  }

  /** Deployments awaiting an approval whose next check is due. */
  async listAwaitingApproval(): Promise<Deployment[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".deployments WHERE state = 'awaiting_approval' AND (next_analysis_at IS NULL OR next_analysis_at <= now()) ORDER BY updated_at`,
    );
    return rows.map(toDeployment);
  }

  async listPromoting(): Promise<Deployment[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "${this.s}".deployments WHERE state = 'promoting' ORDER BY updated_at`);
    return rows.map(toDeployment);
  }

  async insert(manager: EntityManager, d: Deployment, triggerKey: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".deployments (id, model_name, strategy, state, phase, stable_version, candidate_version, task, weight, mirror_percent,
         step, failed_checks, "window", reason, policy, started_by, trigger_key, correlation_id, next_analysis_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [d.id, d.modelName, d.strategy, d.state, d.phase, d.stableVersion, d.candidateVersion, d.task, d.weight, d.mirrorPercent, d.step, d.failedChecks, d.window, d.reason, JSON.stringify(d.policy), d.startedBy, triggerKey, d.correlationId, d.nextAnalysisAt],
    );
    await this.announce(manager, d);
  }

  /** Applies a change when the deployment is still in state `from`; returns the new deployment,
   * or undefined when another process changed it first. The change is announced. */
  async update(manager: EntityManager, d: Deployment, change: DeploymentChange, from = d.state): Promise<Deployment | undefined> {
    const next: Deployment = { ...d, ...change };
    const rows = returnedRows(
      await manager.query(
        `UPDATE "${this.s}".deployments SET state = $3, phase = $4, weight = $5, mirror_percent = $6, step = $7, failed_checks = $8,
           "window" = $9, reason = $10, next_analysis_at = $11, updated_at = now()
         WHERE id = $1 AND state = $2 RETURNING id`,
        [d.id, from, next.state, next.phase, next.weight, next.mirrorPercent, next.step, next.failedChecks, next.window, next.reason, next.nextAnalysisAt],
      ),
    );
    if (rows.length === 0) return undefined;
    const stateOrTraffic = next.state !== d.state || next.weight !== d.weight || next.mirrorPercent !== d.mirrorPercent || next.phase !== d.phase || next.failedChecks !== d.failedChecks;
    if (stateOrTraffic) await this.announce(manager, next);
    return next;
  }

  /** Takes, for `leaseMs`, the right to move the alias of a promoting deployment that is due: of
   * several replicas, one calls the registry (the lease outlives the call's deadline). */
  async claimPromotion(id: string, leaseMs: number): Promise<boolean> {
    const rows = returnedRows(
      await this.dataSource.query(
        `UPDATE "${this.s}".deployments SET next_analysis_at = now() + make_interval(secs => $2)
          WHERE id = $1 AND state = 'promoting' AND (next_analysis_at IS NULL OR next_analysis_at <= now()) RETURNING id`,
        [id, leaseMs / 1000],
      ),
    );
    return rows.length > 0;
  }

  /** Only the reason and due time of a promotion still waiting (approval needed, registry
   * away); not announced. Does nothing once the promotion is over. */
  async notePromotion(id: string, reason: string, nextAttemptAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE "${this.s}".deployments SET reason = $2, next_analysis_at = $3, updated_at = now() WHERE id = $1 AND state = 'promoting'`, [id, reason, nextAttemptAt]);
  }

  async enqueue(q: Omit<QueuedStart, 'attempts'>, error: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "${this.s}".deployment_queue (trigger_key, model_name, version, started_by, reason, correlation_id, last_error, not_before)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))
       ON CONFLICT (trigger_key) DO UPDATE SET attempts = deployment_queue.attempts + 1, last_error = EXCLUDED.last_error, not_before = EXCLUDED.not_before`,
      [q.triggerKey, q.modelName, q.version, q.startedBy, q.reason, q.correlationId, error.slice(0, 2000), delayMs / 1000],
    );
  }

  /** Queued starts that are due, leased for a minute (another replica skips them meanwhile). */
  async claimQueued(limit = 10): Promise<QueuedStart[]> {
    const rows: Row[] = returnedRows(
      await this.dataSource.query(
        `UPDATE "${this.s}".deployment_queue SET not_before = now() + interval '1 minute'
         WHERE trigger_key IN (SELECT trigger_key FROM "${this.s}".deployment_queue WHERE not_before <= now() ORDER BY queued_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [limit],
      ),
    );
    return rows.map((r) => ({ triggerKey: r.trigger_key as string, modelName: r.model_name as string, version: r.version as number, startedBy: r.started_by as string, reason: r.reason as string, correlationId: r.correlation_id as string, attempts: r.attempts as number }));
  }

  async dequeue(triggerKey: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "${this.s}".deployment_queue WHERE trigger_key = $1`, [triggerKey]);
  }

  /** One record per measurement window: a window that waited and was judged again keeps its latest analysis. */
  async insertAnalysis(manager: EntityManager, a: AnalysisRecord): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".analyses (deployment_id, number, phase, step, weight, candidate_requests, stable_requests, checks, verdict, action, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (deployment_id, number) DO UPDATE SET step = EXCLUDED.step, weight = EXCLUDED.weight, candidate_requests = EXCLUDED.candidate_requests,
         stable_requests = EXCLUDED.stable_requests, checks = EXCLUDED.checks, verdict = EXCLUDED.verdict, action = EXCLUDED.action, at = EXCLUDED.at`,
      [a.deploymentId, a.number, a.phase, a.step, a.weight, a.candidateRequests, a.stableRequests, JSON.stringify(a.checks), a.verdict, a.action, a.at],
    );
  }

  /** Up to `limit` analyses of a deployment in order, after number `after` when given. */
  async listAnalyses(deploymentId: string, limit: number, after?: number): Promise<AnalysisRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".analyses WHERE deployment_id = $1 AND ($2::int IS NULL OR number > $2) ORDER BY number LIMIT $3`,
      [deploymentId, after ?? null, limit],
    );
    return rows.map(toAnalysis);
  }

  async lastAnalysis(deploymentId: string): Promise<AnalysisRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "${this.s}".analyses WHERE deployment_id = $1 ORDER BY number DESC LIMIT 1`, [deploymentId]);
    return rows.map(toAnalysis)[0];
  }

  /** Stores this process's cumulative measurements (replacing its earlier rows). */
  async saveWindowStats(rows: WindowStatsRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO "${this.s}".window_stats (deployment_id, "window", instance_id, role, stats)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (deployment_id, "window", instance_id, role) DO UPDATE SET stats = EXCLUDED.stats, updated_at = now()`,
      [rows.map((r) => r.deploymentId), rows.map((r) => r.window), rows.map((r) => r.instanceId), rows.map((r) => r.role), rows.map((r) => JSON.stringify(r.stats))],
    );
  }

  async windowStats(manager: EntityManager, deploymentId: string, window: number): Promise<{ candidate: WindowStats[]; stable: WindowStats[] }> {
    const rows: Row[] = await manager.query(`SELECT role, stats FROM "${this.s}".window_stats WHERE deployment_id = $1 AND "window" = $2`, [deploymentId, window]);
    const of = (role: string) => rows.filter((r) => r.role === role).map((r) => ({ ...emptyStats(), ...(r.stats as WindowStats) }));
    return { candidate: of('candidate'), stable: of('stable') };
  }

  private async announce(manager: EntityManager, d: Deployment): Promise<void> {
    await this.outbox.enqueue(
      manager,
      Topics.deploymentChanged,
      {
        deploymentId: d.id,
        modelName: d.modelName,
        strategy: d.strategy,
        state: d.state,
        stableVersion: d.stableVersion,
        candidateVersion: d.candidateVersion,
        candidateWeightPercent: d.weight,
        reason: d.reason,
        phase: d.phase,
        step: d.step,
        failedChecks: d.failedChecks,
        mirrorPercent: d.mirrorPercent,
      },
      { key: d.modelName },
    );
  }
}

function toDeployment(row: Row): Deployment {
  return {
    id: row.id as string,
    modelName: row.model_name as string,
    strategy: row.strategy as Deployment['strategy'],
    state: row.state as Deployment['state'],
    phase: row.phase as Phase,
    stableVersion: row.stable_version as number,
    candidateVersion: row.candidate_version as number,
    task: row.task as Deployment['task'],
    weight: row.weight as number,
    mirrorPercent: row.mirror_percent as number,
    step: row.step as number,
    failedChecks: row.failed_checks as number,
    window: row.window as number,
    reason: row.reason as string,
    policy: row.policy as Policy,
    startedBy: row.started_by as string,
    correlationId: row.correlation_id as string,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    nextAnalysisAt: (row.next_analysis_at as Date | null) ?? null,
  };
}

function toAnalysis(row: Row): AnalysisRecord {
  return {
    deploymentId: row.deployment_id as string,
    number: row.number as number,
    phase: row.phase as Phase,
    step: row.step as number,
    weight: row.weight as number,
    candidateRequests: Number(row.candidate_requests),
    stableRequests: Number(row.stable_requests),
    checks: row.checks as CheckResult[],
    verdict: row.verdict as VerdictName,
    action: row.action as string,
    at: row.at as Date,
  };
}

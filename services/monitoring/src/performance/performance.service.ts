import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { events } from '@mlops/contracts';
import { notFound } from '@mlops/errors';
import { OutboxRelay } from '@mlops/messaging';
import { JsonLogger, withCorrelation } from '@mlops/observability';
import { AlertsRepository } from '../alerts/alerts.repository';
import { observeEvaluation } from '../alerts/domain/alerting';
import { MONITORING_CONFIG, type MonitoringConfig } from '../config/monitoring.config';
import type { Reference } from '../drift/domain/evaluation';
import type { MonitoringPolicy } from '../drift/domain/policy';
import { PolicyStore } from '../drift/policy.store';
import { ReferenceStore } from '../drift/reference.store';
import { DriftMetrics } from '../drift/drift.metrics';
import { resolveLimit } from '../paging/limit';
import { type DegradationJudgement, type LabelledPrediction, defaultMetric, judgeDegradation, windowMetrics } from './domain/performance';
import { type JoinOutcome, LabelJoinStore, type PendingLabel, type PendingPrediction, type WindowRule } from './label-join.store';
import { PerformanceMetrics } from './performance.metrics';
import { PerformanceRepository, type StoredPerformanceReport } from './performance.repository';

/**
 * Concept drift: predictions of the production version joined to the labels that arrive later
 * (monitoring.feedback.received.v1) fill a window per model; every fifth of a window the
 * window's metrics are compared with the version's test metrics (the registry's), and a
 * degradation past the policy's limit, with the same hysteresis and cooldown as data drift,
 * raises a performance alert that requests retraining — unless a drift alert of the model
 * already did within the cooldown (one shift, one retraining).
 *
 * The join and the windows (one per model and version) are in Postgres (LabelJoinStore), shared
 * by the replicas: whichever replica completes a fifth of the production version's full window
 * judges it (at most one evaluation per chunk of labels, so "every fifth" is a lower bound on the
 * spacing). Every 5 s one replica expires what waited too long for each model, a window that
 * filled while its reference was loading is judged, and each replica exports
 * how much is waiting (the same figure on every replica: aggregate with max, not sum).
 */
const MAINTENANCE_MS = 5000;
/** How long a joined row is remembered, so that a side delivered again (after a crash or a
 * rebalance) finds it joined instead of waiting as new. */
const MARKER_SECONDS = 600;
const MAX_ROW = 2 ** 31 - 1;

/** Why a served row or a label cannot be joined, if it cannot (Postgres would refuse the chunk). */
function unjoinable(requestId: string, row: number, modelName: string): string | undefined {
  if (!requestId) return 'no request_id';
  if (!Number.isInteger(row) || row < 0 || row > MAX_ROW) return `row must be an integer from 0 to ${MAX_ROW}, got ${row}`;
  if (requestId.includes('\0') || modelName.includes('\0')) return 'NUL character in request_id or model_name';
  return undefined;
}

@Injectable()
export class PerformanceService implements OnModuleInit, OnModuleDestroy {
  private readonly evaluating = new Set<string>();
  /** Models whose traffic or labels this process has seen: the ones it maintains and exports. */
  private readonly seen = new Set<string>();
  private timer?: NodeJS.Timeout;
  private maintaining = false;

  constructor(
    private readonly repository: PerformanceRepository,
    private readonly store: LabelJoinStore,
    private readonly alerts: AlertsRepository,
    private readonly references: ReferenceStore,
    private readonly policies: PolicyStore,
    private readonly relay: OutboxRelay,
    private readonly metrics: PerformanceMetrics,
    private readonly driftMetrics: DriftMetrics,
    private readonly logger: JsonLogger,
    @Inject(MONITORING_CONFIG) private readonly config: MonitoringConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.maintain().catch((error: unknown) => this.logger.warn('label join maintenance failed, will retry', { error })), MAINTENANCE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async report(model: string): Promise<StoredPerformanceReport> {
    const report = await this.repository.findReport(model);
    if (!report) throw notFound(`model "${model}" has no performance report yet (fewer labelled predictions of its production version than its label window)`);
    return report;
  }

  /** Past evaluations, newest first: 200 unless `limit` (at most 1000). */
  history(model: string, sinceMs: number, limit: number): Promise<StoredPerformanceReport[]> {
    return this.repository.listHistory(model, Math.max(0, sinceMs), resolveLimit(limit, 200, 1000));
  }

  /** Served rows wait for their labels (shadow rows were never answers). */
  async onPredictions(batch: events.PredictionLogBatch): Promise<void> {
    const model = batch.modelName;
    if (!this.references.mayHave(model)) return;
    const rows: PendingPrediction[] = [];
    for (const p of batch.predictions) {
      if (p.role === 'shadow') continue;
      if (unjoinable(p.requestId, p.row ?? 0, model)) {
        this.metrics.labels.labels(model, 'invalid').inc();
        continue;
      }
      rows.push({ requestId: p.requestId, row: p.row ?? 0, version: p.version, prediction: p.prediction, score: p.score, servedAtMs: Number(p.servedAtMs) });
    }
    if (rows.length === 0) return;
    this.seen.add(model);
    await this.settle(await this.store.addPredictions(model, rows, await this.rule(model)));
  }

  /** A chunk of labels. A label without a request id or model name, with a row that is not a
   * 32-bit index or a label that is not a finite number cannot be joined: counted as invalid.
   * The first label of a row wins (a second one for the same row is ignored). */
  async onFeedback(feedback: events.FeedbackReceived[]): Promise<void> {
    const labels: PendingLabel[] = [];
    const rules = new Map<string, WindowRule>();
    for (const f of feedback) {
      const model = f.modelName;
      if (!model || unjoinable(f.requestId, f.row ?? 0, model) || !Number.isFinite(f.label)) {
        this.metrics.labels.labels(model?.includes('\0') ? '' : (model ?? ''), 'invalid').inc();
        continue;
      }
      // Starts loading the model's reference if it is new; labels of models that have none (or of
      // names nobody serves) are not kept.
      this.references.current(model);
      if (!this.references.mayHave(model)) {
        this.metrics.labels.labels(model, 'unwatched').inc();
        continue;
      }
      this.seen.add(model);
      if (!rules.has(model)) rules.set(model, await this.rule(model));
      labels.push({ modelName: model, requestId: f.requestId, row: f.row ?? 0, label: f.label });
    }
    if (labels.length > 0) await this.settle(await this.store.addLabels(labels, rules));
  }

  private async rule(model: string): Promise<WindowRule> {
    const policy = await this.policies.current(model);
    return { productionVersion: this.references.current(model)?.version, labelWindow: policy.labelWindow };
  }

  /** Counts what the join did and judges the windows it made due. */
  private async settle(outcome: JoinOutcome): Promise<void> {
    for (const [model, n] of outcome.joined) this.metrics.labels.labels(model, 'joined').inc(n);
    for (const [model, n] of outcome.otherVersion) this.metrics.labels.labels(model, 'other_version').inc(n);
    for (const { modelName, version } of outcome.due) await this.judge(modelName, version);
  }

  /** Judges a claimed window. An evaluation that fails is logged, not retried: the next fifth of
   * the window brings the next one. */
  private async judge(modelName: string, version: number): Promise<void> {
    // Claimed only when this replica's reference is the window's version (WindowRule).
    const reference = this.references.current(modelName);
    if (this.evaluating.has(modelName) || !reference || reference.version !== version) return;
    this.evaluating.add(modelName);
    try {
      const policy = await this.policies.current(modelName);
      await this.evaluate(reference, await this.store.window(modelName, version, policy.labelWindow), policy);
    } catch (error) {
      this.logger.warn('performance evaluation failed', { model: modelName, version, error });
    } finally {
      this.evaluating.delete(modelName);
    }
  }

  /** Expires what waited too long, trims the windows, exports what is waiting. */
  private async maintain(): Promise<void> {
    if (this.maintaining) return;
    this.maintaining = true;
    try {
      for (const model of this.seen) {
        const policy = await this.policies.current(model);
        const expired = await this.store.expire(model, policy.labelJoinSeconds, this.config.labelJoinMaxEntries, Math.min(MARKER_SECONDS, policy.labelJoinSeconds), policy.labelWindow);
        if (expired && expired.expiredLabels > 0) this.metrics.labels.labels(model, 'expired').inc(expired.expiredLabels);
        // A window that filled while no replica had the reference loaded is judged now.
        const reference = this.references.current(model);
        if (reference && (await this.store.claimOverdue(model, reference.version, policy.labelWindow))) await this.judge(model, reference.version);
        const waiting = await this.store.waiting(model);
        this.metrics.waiting.labels(model, 'prediction').set(waiting.predictions);
        this.metrics.waiting.labels(model, 'label').set(waiting.labels);
      }
    } finally {
      this.maintaining = false;
    }
  }

  private async evaluate(reference: Reference, rows: LabelledPrediction[], policy: MonitoringPolicy): Promise<void> {
    const model = reference.modelName;
    const current = windowMetrics(reference.task, rows, reference.classes);
    const metric = policy.performanceMetric || defaultMetric(reference.task);
    const judged = judgeDegradation(metric, reference.metrics[metric], current[metric], policy.maxDegradation);
    this.export(reference, current, judged.degraded);
    const now = Date.now();
    const alertId = randomUUID();
    const fired = await withCorrelation(alertId, () =>
      this.alerts.transaction(async (manager) => {
        const state = await this.alerts.lockAlertState(manager, model, 'performance', reference.version);
        const { state: next, fire } = observeEvaluation(state, judged.degraded, now, policy);
        await this.alerts.saveAlertState(manager, model, 'performance', next);
        if (fire) {
          const claim = policy.retrain === 'automatic' ? await this.alerts.claimRetrain(manager, model, now, policy.cooldownSeconds) : { claimed: false, note: 'policy: alert only' };
          const retrain = claim.claimed ? { fromTimeMs: now - policy.retrainWindowSeconds * 1000, toTimeMs: now } : undefined;
          await this.alerts.insertAlert(
            manager,
            { alertId, modelName: model, version: reference.version, kind: 'performance', driftedShare: 0, features: [], metric, baseline: judged.baseline ?? 0, current: judged.current ?? 0, sampleSize: rows.length, retrainRequested: claim.claimed, retrainNote: claim.note, correlationId: alertId, raisedAt: new Date(now) },
            retrain,
            policy.maxDegradation,
          );
        }
        const report = { ...toReport(reference, policy, metric, current, judged, rows, now), alertId: fire ? alertId : '' };
        await this.repository.saveReport(manager, report);
        await this.repository.appendHistory(manager, report);
        return fire;
      }),
    );
    if (fired) {
      this.relay.nudge();
      this.driftMetrics.alerts.labels(model, 'performance').inc();
      this.logger.info('performance alert raised', { model, version: reference.version, alertId, correlationId: alertId, metric, baseline: judged.baseline, current: judged.current, degradation: judged.degradation, labelled: rows.length, retrain: policy.retrain });
    }
  }

  private export(reference: Reference, current: Record<string, number>, degraded: boolean): void {
    const version = String(reference.version);
    for (const [metric, value] of Object.entries(current)) this.metrics.current.labels(reference.modelName, version, metric).set(value);
    for (const [metric, value] of Object.entries(reference.metrics)) this.metrics.baseline.labels(reference.modelName, version, metric).set(value);
    this.metrics.degraded.labels(reference.modelName, version).set(degraded ? 1 : 0);
  }
}

function toReport(reference: Reference, policy: MonitoringPolicy, metric: string, current: Record<string, number>, judged: DegradationJudgement, rows: LabelledPrediction[], now: number): StoredPerformanceReport {
  return {
    modelName: reference.modelName,
    version: reference.version,
    task: reference.task,
    metric,
    current,
    baseline: reference.metrics,
    degradation: judged.degradation ?? 0,
    maxDegradation: policy.maxDegradation,
    degraded: judged.degraded,
    labelled: rows.length,
    windowFromMs: rows.reduce((m, r) => Math.min(m, r.servedAtMs), Infinity),
    windowToMs: rows.reduce((m, r) => Math.max(m, r.servedAtMs), 0),
    alertId: '',
    computedAtMs: now,
  };
}

import { Inject, Injectable } from '@nestjs/common';
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
import { LabelJoin, type LabelledPrediction } from './domain/label-join';
import { LabelledWindow } from './domain/labelled-window';
import { defaultMetric, judgeDegradation, windowMetrics } from './domain/performance';
import { PerformanceMetrics } from './performance.metrics';
import { PerformanceRepository, type StoredPerformanceReport } from './performance.repository';

/**
 * Concept drift: predictions of the production version joined to the labels that arrive later
 * (monitoring.feedback.received.v1) fill a window per model; every fifth of a window the
 * window's metrics are compared with the version's test metrics (the registry's), and a
 * degradation past the policy's limit, with the same hysteresis and cooldown as data drift,
 * raises a performance alert that requests retraining — unless a drift alert of the model
 * already did within the cooldown (one shift, one retraining).
 */
/** Labelled rows kept per model while its reference loads. */
const MAX_PENDING = 10_000;

@Injectable()
export class PerformanceService {
  private readonly joins = new Map<string, LabelJoin>();
  private readonly windows = new Map<string, { version: number; window: LabelledWindow }>();
  private readonly evaluating = new Set<string>();
  private readonly pending = new Map<string, LabelledPrediction[]>();

  constructor(
    private readonly repository: PerformanceRepository,
    private readonly alerts: AlertsRepository,
    private readonly references: ReferenceStore,
    private readonly policies: PolicyStore,
    private readonly relay: OutboxRelay,
    private readonly metrics: PerformanceMetrics,
    private readonly driftMetrics: DriftMetrics,
    private readonly logger: JsonLogger,
    @Inject(MONITORING_CONFIG) private readonly config: MonitoringConfig,
  ) {}

  async report(model: string): Promise<StoredPerformanceReport> {
    const report = await this.repository.findReport(model);
    if (!report) throw notFound(`model "${model}" has no performance report yet (fewer labelled predictions of its production version than its label window)`);
    return report;
  }

  /** Served rows wait for their labels (shadow rows were never answers). */
  async onPredictions(batch: events.PredictionLogBatch): Promise<void> {
    const model = batch.modelName;
    if (!this.references.mayHave(model)) return;
    const join = await this.join(model);
    const now = Date.now();
    for (const p of batch.predictions) {
      if (p.role === 'shadow') continue;
      const labelled = join.addPrediction(p.requestId, p.row ?? 0, { version: p.version, prediction: p.prediction, score: p.score, servedAtMs: Number(p.servedAtMs) }, now);
      if (labelled) await this.add(model, labelled);
    }
    this.exportJoin(model, join);
  }

  private exportJoin(model: string, join: LabelJoin): void {
    const waiting = join.waiting;
    this.metrics.waiting.labels(model, 'prediction').set(waiting.predictions);
    this.metrics.waiting.labels(model, 'label').set(waiting.labels);
    if (join.expiredLabels > 0) {
      this.metrics.labels.labels(model, 'expired').inc(join.expiredLabels);
      join.expiredLabels = 0;
    }
  }

  async onFeedback(feedback: events.FeedbackReceived): Promise<void> {
    const model = feedback.modelName;
    if (!feedback.requestId || !model) return;
    // Starts loading the model's reference if it is new; labels of models that have none (or of
    // names nobody serves) are not kept.
    this.references.current(model);
    if (!this.references.mayHave(model)) {
      this.metrics.labels.labels(model, 'unwatched').inc();
      return;
    }
    const join = await this.join(model);
    const labelled = join.addLabel(feedback.requestId, feedback.row ?? 0, feedback.label, Date.now());
    if (labelled) await this.add(model, labelled);
    this.exportJoin(model, join);
  }

  /** The production version moved: its predictions are judged from scratch. */
  onProductionChanged(model: string): void {
    this.windows.get(model)?.window.clear();
  }

  private async join(model: string): Promise<LabelJoin> {
    const policy = await this.policies.current(model);
    let join = this.joins.get(model);
    if (!join) this.joins.set(model, (join = new LabelJoin(this.config.labelJoinMaxEntries, policy.labelJoinSeconds * 1000)));
    join.setMaxAge(policy.labelJoinSeconds * 1000);
    return join;
  }

  /** A labelled prediction. While the reference is still loading, rows wait (10,000 at most)
   * and are judged as soon as it is there. */
  private async add(model: string, row: LabelledPrediction): Promise<void> {
    const reference = this.references.current(model);
    if (!reference) {
      let pending = this.pending.get(model);
      if (!pending) {
        this.pending.set(model, (pending = []));
        void this.references
          .get(model)
          .then(async (r) => {
            if (r) await this.drain(r);
            else this.pending.delete(model);
          })
          .catch((error: unknown) => this.logger.warn('labelled predictions not judged', { model, error }));
      }
      pending.push(row);
      if (pending.length > MAX_PENDING) pending.shift();
      return;
    }
    await this.drain(reference);
    await this.addJudged(reference, row);
  }

  /** Judges what waited for the reference, oldest first. */
  private async drain(reference: Reference): Promise<void> {
    const pending = this.pending.get(reference.modelName);
    this.pending.delete(reference.modelName);
    for (const row of pending ?? []) await this.addJudged(reference, row);
  }

  private async addJudged(reference: Reference, row: LabelledPrediction): Promise<void> {
    const model = reference.modelName;
    if (row.version !== reference.version) {
      this.metrics.labels.labels(model, 'other_version').inc();
      return;
    }
    this.metrics.labels.labels(model, 'joined').inc();
    const policy = await this.policies.current(model);
    let entry = this.windows.get(model);
    if (!entry || entry.version !== reference.version) this.windows.set(model, (entry = { version: reference.version, window: new LabelledWindow(policy.labelWindow) }));
    const window = entry.window;
    window.resize(policy.labelWindow);
    window.push(row);
    const every = Math.max(1, Math.floor(policy.labelWindow / 5));
    if (window.size < policy.labelWindow || window.sinceEvaluation < every || this.evaluating.has(model)) return;
    window.sinceEvaluation = 0;
    this.evaluating.add(model);
    try {
      await this.evaluate(reference, window.ordered(), policy);
    } finally {
      this.evaluating.delete(model);
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
        await this.repository.saveReport(manager, {
          modelName: model,
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
          alertId: fire ? alertId : '',
          computedAtMs: now,
        });
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

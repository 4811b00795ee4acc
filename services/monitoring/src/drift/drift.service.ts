import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { events } from '@mlops/contracts';
import { notFound } from '@mlops/errors';
import { OutboxRelay } from '@mlops/messaging';
import { JsonLogger, withCorrelation } from '@mlops/observability';
import { DriftMetrics } from './drift.metrics';
import { AlertsRepository, type AlertRecord } from '../alerts/alerts.repository';
import { decodeAlertPageToken, encodeAlertPageToken } from '../alerts/domain/alert-page-token';
import { observeEvaluation } from '../alerts/domain/alerting';
import { resolveLimit } from '../paging/limit';
import { DriftRepository, type StoredReport } from './drift.repository';
import type { FeatureDistribution } from './domain/distribution';
import { type DriftEvaluation, type Reference, evaluateWindow } from './domain/evaluation';
import type { MonitoringPolicy } from './domain/policy';
import { PolicyStore } from './policy.store';
import { RowWindow } from './domain/window';
import { ReferenceStore } from './reference.store';

/**
 * Drift of each model's live traffic: predictions from the log fill a window per model (the
 * most recent rows); every `evaluate_every` rows the window is judged against the reference
 * (the production version's training data), the report is stored and exported, and the alert
 * decision (hysteresis, cooldown) is taken under the model's lock, so replicas raise one alert.
 * An alert, its event and the retraining request it makes are one transaction.
 */
@Injectable()
export class DriftService {
  private readonly windows = new Map<string, RowWindow>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly repository: DriftRepository,
    private readonly alerts: AlertsRepository,
    private readonly references: ReferenceStore,
    private readonly policies: PolicyStore,
    private readonly relay: OutboxRelay,
    private readonly metrics: DriftMetrics,
    private readonly logger: JsonLogger,
  ) {}

  async report(model: string): Promise<StoredReport> {
    const report = await this.repository.findReport(model);
    if (!report) throw notFound(`model "${model}" has no drift report yet (no reference, or fewer rows than its window)`);
    return report;
  }

  /** Past evaluations, newest first, without distributions: 200 unless `limit` (at most 1000). */
  history(model: string, sinceMs: number, limit: number): Promise<StoredReport[]> {
    return this.repository.listHistory(model, Math.max(0, sinceMs), resolveLimit(limit, 200, 1000));
  }

  /** Alerts newest first, a page of 50 unless `limit` (at most 500), after `pageToken`'s page. */
  async listAlerts(model: string, limit: number, pageToken: string): Promise<{ alerts: AlertRecord[]; nextPageToken: string }> {
    const pageSize = resolveLimit(limit, 50, 500);
    const page = await this.alerts.listAlerts(model, pageSize, decodeAlertPageToken(model, pageToken));
    return { alerts: page.alerts, nextPageToken: page.next ? encodeAlertPageToken(model, page.next) : '' };
  }

  /** The production version moved: the reference is the new version's training data. */
  onProductionChanged(model: string): void {
    this.references.forget(model);
  }

  /** A batch from the prediction log. Shadow rows are not traffic and are skipped. */
  async onPredictions(batch: events.PredictionLogBatch): Promise<void> {
    const model = batch.modelName;
    // A model with nothing to compare against (no production version with a training snapshot).
    if (!this.references.mayHave(model)) return;
    const policy = await this.policies.current(model);
    let window = this.windows.get(model);
    if (!window) this.windows.set(model, (window = new RowWindow(policy.windowSize)));
    window.resize(policy.windowSize);
    let received = 0;
    for (const p of batch.predictions) {
      if (p.role === 'shadow') continue;
      window.push({ features: p.features ?? {}, prediction: p.prediction, servedAtMs: Number(p.servedAtMs) });
      received++;
    }
    this.metrics.predictions.labels(model).inc(received);
    this.metrics.windowRows.labels(model).set(window.size);
    const reference = this.references.current(model);
    if (reference) await this.evaluateIfDue(reference, window, policy);
    // Loading the reference takes a while (the snapshot is read from the feature store): the
    // window is judged as soon as it is there.
    else void this.references.get(model).then((r) => r && this.evaluateIfDue(r, window!, policy)).catch(() => undefined);
  }

  /** Every `evaluate_every` rows: the last `window_size` rows once there are that many, or with
   * `window_seconds` the rows served in that time (at most `window_size`), once they are at
   * least `evaluate_every`. */
  private async evaluateIfDue(reference: Reference, window: RowWindow, policy: MonitoringPolicy): Promise<void> {
    if (window.sinceEvaluation < policy.evaluateEvery || this.evaluating.has(reference.modelName)) return;
    const judged = policy.windowSeconds > 0 ? window.since(Date.now() - policy.windowSeconds * 1000) : window;
    if (judged.size < (policy.windowSeconds > 0 ? Math.min(policy.evaluateEvery, policy.windowSize) : policy.windowSize)) return;
    window.sinceEvaluation = 0;
    this.evaluating.add(reference.modelName);
    try {
      await this.evaluate(reference, judged, policy);
    } finally {
      this.evaluating.delete(reference.modelName);
    }
  }

  private async evaluate(reference: Reference, window: RowWindow, policy: MonitoringPolicy): Promise<void> {
    const evaluation = evaluateWindow(reference, window, policy.driftShare);
    this.export(reference, evaluation);
    const now = Date.now();
    const alertId = randomUUID();
    const raised = await withCorrelation(alertId, () =>
      this.alerts.transaction(async (manager) => {
        const state = await this.alerts.lockAlertState(manager, reference.modelName, 'data_drift', reference.version);
        const { state: next, fire } = observeEvaluation(state, evaluation.datasetDrift, now, policy);
        await this.alerts.saveAlertState(manager, reference.modelName, 'data_drift', next);
        if (fire) {
          const claim = policy.retrain === 'automatic' ? await this.alerts.claimRetrain(manager, reference.modelName, now, policy.cooldownSeconds) : { claimed: false, note: 'policy: alert only' };
          const retrain = claim.claimed ? { fromTimeMs: now - policy.retrainWindowSeconds * 1000, toTimeMs: now } : undefined;
          await this.alerts.insertAlert(manager, { alertId, modelName: reference.modelName, version: reference.version, kind: 'data_drift', driftedShare: evaluation.driftedShare, features: evaluation.features, metric: '', baseline: 0, current: 0, sampleSize: evaluation.windowRows, retrainRequested: claim.claimed, retrainNote: claim.note, correlationId: alertId, raisedAt: new Date(now) }, retrain);
        }
        const report = this.toReport(reference, evaluation, fire ? alertId : '', now);
        await this.repository.saveReport(manager, withDistributions(report, evaluation.distributions));
        await this.repository.appendHistory(manager, report);
        return fire;
      }),
    );
    if (raised) {
      this.relay.nudge();
      this.metrics.alerts.labels(reference.modelName, 'data_drift').inc();
      this.logger.info('drift alert raised', { model: reference.modelName, version: reference.version, alertId, correlationId: alertId, driftedShare: evaluation.driftedShare, drifted: evaluation.features.filter((f) => f.drifted).map((f) => f.feature), retrain: policy.retrain });
    }
  }

  private export(reference: Reference, e: DriftEvaluation): void {
    const version = String(reference.version);
    for (const f of [...e.features, ...(e.prediction ? [e.prediction] : [])]) {
      this.metrics.statistic.labels(reference.modelName, version, f.feature, f.test).set(Number.isFinite(f.statistic) ? f.statistic : Number.MAX_VALUE);
      this.metrics.drifted.labels(reference.modelName, version, f.feature).set(f.drifted ? 1 : 0);
    }
    this.metrics.driftedShare.labels(reference.modelName, version).set(e.driftedShare);
  }

  private toReport(reference: Reference, e: DriftEvaluation, alertId: string, now: number): StoredReport {
    return {
      modelName: reference.modelName,
      version: reference.version,
      referenceSnapshotId: reference.snapshotId,
      referenceRows: reference.rows,
      windowRows: e.windowRows,
      windowFromMs: e.windowFromMs,
      windowToMs: e.windowToMs,
      features: e.features,
      prediction: e.prediction,
      driftedShare: e.driftedShare,
      datasetDrift: e.datasetDrift,
      alertId,
      computedAtMs: now,
    };
  }
}

/** The latest report carries what each test compared; the history and the alerts do not. */
function withDistributions(report: StoredReport, distributions: DriftEvaluation['distributions']): StoredReport {
  const add = <F extends object>(f: F, d: FeatureDistribution | undefined) => (d ? { ...f, ...d } : f);
  return { ...report, features: report.features.map((f, i) => add(f, distributions.features[i])), prediction: report.prediction && add(report.prediction, distributions.prediction) };
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Topics } from '@mlops/contracts';
import type { FeatureDrift } from '@mlops/ml';
import { Outbox } from '@mlops/messaging';
import { schemaOf } from '@mlops/persistence';
import type { AlertCursor } from './domain/alert-page-token';
import { type AlertState, INITIAL_ALERT_STATE, stateForVersion } from './domain/alerting';

type Row = Record<string, unknown>;

export type AlertKind = 'data_drift' | 'performance';

export interface AlertRecord {
  alertId: string;
  modelName: string;
  version: number;
  kind: AlertKind;
  driftedShare: number;
  features: FeatureDrift[];
  /** Performance alerts: the metric, its test value, its window value, labelled rows. */
  metric: string;
  baseline: number;
  current: number;
  sampleSize: number;
  retrainRequested: boolean;
  retrainNote: string;
  correlationId: string;
  raisedAt: Date;
}

export interface RetrainRange {
  fromTimeMs: number;
  toTimeMs: number;
}

/**
 * Alerts of every kind: the hysteresis state per model and kind (locked while deciding, so
 * replicas raise one alert), the alert row, its event and the retraining request, in the
 * caller's transaction (outbox).
 */
@Injectable()
export class AlertsRepository {
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

  /** The state of a model's alerts of one kind, locked for the transaction (created on first
   * use); with `version`, a state about another production version starts afresh. */
  async lockAlertState(manager: EntityManager, model: string, kind: AlertKind | 'retrain', version?: number): Promise<AlertState> {
    await manager.query(`INSERT INTO "${this.s}".alert_states (model_name, kind, state) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [model, kind, JSON.stringify(INITIAL_ALERT_STATE)]);
    const [row] = await manager.query(`SELECT state FROM "${this.s}".alert_states WHERE model_name = $1 AND kind = $2 FOR UPDATE`, [model, kind]);
    return version === undefined ? (row.state as AlertState) : stateForVersion(row.state as AlertState, version);
  }

  async saveAlertState(manager: EntityManager, model: string, kind: AlertKind | 'retrain', state: AlertState): Promise<void> {
    await manager.query(`UPDATE "${this.s}".alert_states SET state = $3, updated_at = now() WHERE model_name = $1 AND kind = $2`, [model, kind, JSON.stringify(state)]);
  }

  /**
   * Whether this alert may request a retraining: not when another alert of the model (of any
   * kind) requested one within the cooldown, so data drift and the degradation it causes start
   * one retraining, not two. Locks the model's retrain row (always after the kind's row).
   */
  async claimRetrain(manager: EntityManager, model: string, nowMs: number, cooldownSeconds: number): Promise<{ claimed: boolean; note: string }> {
    const state = await this.lockAlertState(manager, model, 'retrain');
    if (state.lastAlertAtMs !== null && nowMs - state.lastAlertAtMs < cooldownSeconds * 1000) {
      return { claimed: false, note: `a retraining was requested ${Math.round((nowMs - state.lastAlertAtMs) / 1000)} s ago, within the ${cooldownSeconds} s cooldown` };
    }
    await this.saveAlertState(manager, model, 'retrain', { ...state, lastAlertAtMs: nowMs });
    return { claimed: true, note: '' };
  }

  /** The alert, its event (DriftDetected or PerformanceDegraded) and, when given, the retraining request. */
  async insertAlert(manager: EntityManager, alert: AlertRecord, retrain: RetrainRange | undefined, threshold = 0): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".alerts (alert_id, model_name, version, kind, drifted_share, features, metric, baseline, current, sample_size, retrain_requested, retrain_note, correlation_id, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [alert.alertId, alert.modelName, alert.version, alert.kind, alert.driftedShare, JSON.stringify(alert.features, finite), alert.metric, finiteNumber(alert.baseline) ?? 0, finiteNumber(alert.current) ?? 0, alert.sampleSize, alert.retrainRequested, alert.retrainNote, alert.correlationId, alert.raisedAt],
    );
    if (alert.kind === 'data_drift') {
      const features = alert.features.map((f) => ({ feature: f.feature, test: f.test, statistic: f.statistic, threshold: f.threshold, drifted: f.drifted, referenceSize: f.referenceSize, currentSize: f.currentSize }));
      await this.outbox.enqueue(manager, Topics.driftDetected, { alertId: alert.alertId, modelName: alert.modelName, version: alert.version, driftedShare: alert.driftedShare, features }, { key: alert.modelName });
    } else {
      await this.outbox.enqueue(
        manager,
        Topics.performanceDegraded,
        { alertId: alert.alertId, modelName: alert.modelName, version: alert.version, metric: alert.metric, baseline: alert.baseline, current: alert.current, threshold, sampleSize: alert.sampleSize },
        { key: alert.modelName },
      );
    }
    if (retrain) {
      await this.outbox.enqueue(
        manager,
        Topics.trainingRunRequested,
        { requestId: alert.alertId, modelName: alert.modelName, trigger: alert.kind === 'data_drift' ? 'drift' : 'degradation', snapshotId: '', fromTimeMs: retrain.fromTimeMs, toTimeMs: retrain.toTimeMs, alertId: alert.alertId },
        { key: alert.modelName },
      );
    }
  }

  /** Newest first (ties by id), after `after` when given; `next` is set when older alerts follow. */
  async listAlerts(model: string, limit: number, after?: AlertCursor): Promise<{ alerts: AlertRecord[]; next?: AlertCursor }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (model) where.push(`model_name = $${params.push(model)}`);
    // Microseconds back to a timestamptz exactly (an interval is counted in whole microseconds).
    if (after) where.push(`(raised_at, alert_id) < (timestamptz 'epoch' + $${params.push(after.raisedAtUs)} * interval '1 microsecond', $${params.push(after.alertId)}::uuid)`);
    const rows: Row[] = await this.dataSource.query(
      `SELECT *, (extract(epoch FROM raised_at) * 1000000)::bigint AS raised_at_us FROM "${this.s}".alerts
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, alert_id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { alerts: page.map(toAlertRecord), next: rows.length > limit && last ? { raisedAtUs: Number(last.raised_at_us), alertId: last.alert_id as string } : undefined };
  }
}

function toAlertRecord(r: Row): AlertRecord {
  return {
    alertId: r.alert_id as string,
    modelName: r.model_name as string,
    version: r.version as number,
    kind: r.kind as AlertKind,
    driftedShare: r.drifted_share as number,
    features: r.features as FeatureDrift[],
    metric: r.metric as string,
    baseline: r.baseline as number,
    current: r.current as number,
    sampleSize: Number(r.sample_size),
    retrainRequested: r.retrain_requested as boolean,
    retrainNote: r.retrain_note as string,
    correlationId: r.correlation_id as string,
    raisedAt: r.raised_at as Date,
  };
}

/** JSON has no infinities (a chi-squared statistic can be one): store them as the largest double. */
export function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? finiteNumber(value) : value;
}

function finiteNumber(value: number): number | null {
  return Number.isFinite(value) ? value : Number.isNaN(value) ? null : Math.sign(value) * Number.MAX_VALUE;
}

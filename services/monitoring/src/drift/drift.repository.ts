import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Topics } from '@mlops/contracts';
import type { FeatureDrift } from '@mlops/ml';
import { Outbox } from '@mlops/messaging';
import { schemaOf } from '@mlops/persistence';
import { type AlertState, INITIAL_ALERT_STATE } from './domain/alerting';
import type { MonitoringPolicyInput } from './domain/policy';

type Row = Record<string, unknown>;

/** What an evaluation produced, as stored and served by GetDriftReport. */
export interface StoredReport {
  modelName: string;
  version: number;
  referenceSnapshotId: string;
  referenceRows: number;
  windowRows: number;
  windowFromMs: number;
  windowToMs: number;
  features: FeatureDrift[];
  prediction?: FeatureDrift;
  driftedShare: number;
  datasetDrift: boolean;
  alertId: string;
  computedAtMs: number;
}

export interface AlertRecord {
  alertId: string;
  modelName: string;
  version: number;
  kind: string;
  driftedShare: number;
  features: FeatureDrift[];
  retrainRequested: boolean;
  correlationId: string;
  raisedAt: Date;
}

/** All of the drift feature's I/O on Postgres, and the events announcing alerts (outbox). */
@Injectable()
export class DriftRepository {
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

  async findPolicy(model: string): Promise<{ policy: MonitoringPolicyInput; updatedAt: Date } | undefined> {
    const [row] = await this.dataSource.query(`SELECT policy, updated_at FROM "${this.s}".monitoring_policies WHERE model_name = $1`, [model]);
    return row && { policy: row.policy as MonitoringPolicyInput, updatedAt: row.updated_at as Date };
  }

  async savePolicy(input: MonitoringPolicyInput, by: string): Promise<Date> {
    const [row] = await this.dataSource.query(
      `INSERT INTO "${this.s}".monitoring_policies (model_name, policy, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (model_name) DO UPDATE SET policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING updated_at`,
      [input.modelName, JSON.stringify(input), by],
    );
    return row.updated_at as Date;
  }

  async saveReport(manager: EntityManager | undefined, report: StoredReport): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO "${this.s}".drift_reports (model_name, report, computed_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))
       ON CONFLICT (model_name) DO UPDATE SET report = EXCLUDED.report, computed_at = EXCLUDED.computed_at`,
      [report.modelName, JSON.stringify(report, finite), report.computedAtMs],
    );
  }

  async findReport(model: string): Promise<StoredReport | undefined> {
    const [row] = await this.dataSource.query(`SELECT report FROM "${this.s}".drift_reports WHERE model_name = $1`, [model]);
    return row?.report as StoredReport | undefined;
  }

  /** The model's alert state, locked for the transaction (created on first use). */
  async lockAlertState(manager: EntityManager, model: string): Promise<AlertState> {
    await manager.query(`INSERT INTO "${this.s}".alert_states (model_name, state) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [model, JSON.stringify(INITIAL_ALERT_STATE)]);
    const [row] = await manager.query(`SELECT state FROM "${this.s}".alert_states WHERE model_name = $1 FOR UPDATE`, [model]);
    return row.state as AlertState;
  }

  async saveAlertState(manager: EntityManager, model: string, state: AlertState): Promise<void> {
    await manager.query(`UPDATE "${this.s}".alert_states SET state = $2, updated_at = now() WHERE model_name = $1`, [model, JSON.stringify(state)]);
  }

  /** The alert, its DriftDetected event, and (when asked) the retraining request, together. */
  async insertAlert(manager: EntityManager, alert: AlertRecord, retrain: { fromTimeMs: number; toTimeMs: number } | undefined): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".alerts (alert_id, model_name, version, kind, drifted_share, features, retrain_requested, correlation_id, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [alert.alertId, alert.modelName, alert.version, alert.kind, alert.driftedShare, JSON.stringify(alert.features, finite), alert.retrainRequested, alert.correlationId, alert.raisedAt],
    );
    await this.outbox.enqueue(
      manager,
      Topics.driftDetected,
      {
        alertId: alert.alertId,
        modelName: alert.modelName,
        version: alert.version,
        driftedShare: alert.driftedShare,
        features: alert.features.map((f) => ({ feature: f.feature, test: f.test, statistic: f.statistic, threshold: f.threshold, drifted: f.drifted, referenceSize: f.referenceSize, currentSize: f.currentSize })),
      },
      { key: alert.modelName },
    );
    if (retrain) {
      await this.outbox.enqueue(
        manager,
        Topics.trainingRunRequested,
        { requestId: alert.alertId, modelName: alert.modelName, trigger: 'drift', snapshotId: '', fromTimeMs: retrain.fromTimeMs, toTimeMs: retrain.toTimeMs, alertId: alert.alertId },
        { key: alert.modelName },
      );
    }
  }

  async listAlerts(model: string, limit: number): Promise<AlertRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".alerts WHERE ($1 = '' OR model_name = $1) ORDER BY raised_at DESC LIMIT $2`,
      [model, limit],
    );
    return rows.map((r) => ({
      alertId: r.alert_id as string,
      modelName: r.model_name as string,
      version: r.version as number,
      kind: r.kind as string,
      driftedShare: r.drifted_share as number,
      features: r.features as FeatureDrift[],
      retrainRequested: r.retrain_requested as boolean,
      correlationId: r.correlation_id as string,
      raisedAt: r.raised_at as Date,
    }));
  }
}

/** JSON has no infinities (a chi-squared statistic can be one): store them as the largest double. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? null : Math.sign(value) * Number.MAX_VALUE) : value;
}

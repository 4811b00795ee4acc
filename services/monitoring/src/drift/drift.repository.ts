import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { FeatureDrift } from '@mlops/ml';
import { schemaOf } from '@mlops/persistence';
import { finite } from '../alerts/alerts.repository';
import { ReportHistory } from '../history/report-history';
import type { FeatureDistribution } from './domain/distribution';
import type { MonitoringPolicyInput } from './domain/policy';

/** A feature's drift; in the latest report also the distributions its test compared. */
export type ReportedFeature = FeatureDrift & Partial<FeatureDistribution>;

/** What an evaluation produced, as stored and served by GetDriftReport (with distributions) and
 * ListDriftReports (without). */
export interface StoredReport {
  modelName: string;
  version: number;
  referenceSnapshotId: string;
  referenceRows: number;
  windowRows: number;
  windowFromMs: number;
  windowToMs: number;
  features: ReportedFeature[];
  prediction?: ReportedFeature;
  driftedShare: number;
  datasetDrift: boolean;
  alertId: string;
  computedAtMs: number;
}

/** The drift feature's policies and reports on Postgres (alerts: AlertsRepository). */
@Injectable()
export class DriftRepository {
  private readonly s: string;
  private readonly history: ReportHistory<StoredReport>;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
    this.history = new ReportHistory(dataSource, `"${this.s}".drift_report_history`);
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

  /** The latest report of the model (replacing the one before). */
  async saveReport(manager: EntityManager | undefined, report: StoredReport): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO "${this.s}".drift_reports (model_name, report, computed_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))
       ON CONFLICT (model_name) DO UPDATE SET report = EXCLUDED.report, computed_at = EXCLUDED.computed_at`,
      [report.modelName, JSON.stringify(report, finite), report.computedAtMs],
    );
  }

  /** One more past evaluation of the model (in the transaction that saves the latest report). */
  appendHistory(manager: EntityManager, report: StoredReport): Promise<void> {
    return this.history.append(manager, report);
  }

  listHistory(model: string, sinceMs: number, limit: number): Promise<StoredReport[]> {
    return this.history.list(model, sinceMs, limit);
  }

  async findReport(model: string): Promise<StoredReport | undefined> {
    const [row] = await this.dataSource.query(`SELECT report FROM "${this.s}".drift_reports WHERE model_name = $1`, [model]);
    return row?.report as StoredReport | undefined;
  }
}

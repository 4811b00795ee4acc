import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import { finite } from '../alerts/alerts.repository';
import { ReportHistory } from '../history/report-history';

/** The latest performance evaluation of a model, as stored and served by GetPerformanceReport. */
export interface StoredPerformanceReport {
  modelName: string;
  version: number;
  task: string;
  metric: string;
  current: Record<string, number>;
  baseline: Record<string, number>;
  degradation: number;
  maxDegradation: number;
  degraded: boolean;
  labelled: number;
  windowFromMs: number;
  windowToMs: number;
  alertId: string;
  computedAtMs: number;
}

/** Performance reports on Postgres (alerts: AlertsRepository). */
@Injectable()
export class PerformanceRepository {
  private readonly s: string;
  private readonly history: ReportHistory<StoredPerformanceReport>;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
    this.history = new ReportHistory(dataSource, `"${this.s}".performance_report_history`);
  }

  /** The latest report of the model (replacing the one before). */
  async saveReport(manager: EntityManager, report: StoredPerformanceReport): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".performance_reports (model_name, report, computed_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))
       ON CONFLICT (model_name) DO UPDATE SET report = EXCLUDED.report, computed_at = EXCLUDED.computed_at`,
      [report.modelName, JSON.stringify(report, finite), report.computedAtMs],
    );
  }

  /** One more past evaluation of the model (in the transaction that saves the latest report). */
  appendHistory(manager: EntityManager, report: StoredPerformanceReport): Promise<void> {
    return this.history.append(manager, report);
  }

  listHistory(model: string, sinceMs: number, limit: number): Promise<StoredPerformanceReport[]> {
    return this.history.list(model, sinceMs, limit);
  }

  async findReport(model: string): Promise<StoredPerformanceReport | undefined> {
    const [row] = await this.dataSource.query(`SELECT report FROM "${this.s}".performance_reports WHERE model_name = $1`, [model]);
    return row?.report as StoredPerformanceReport | undefined;
  }
}

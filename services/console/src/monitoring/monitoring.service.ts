import { Injectable } from '@nestjs/common';
import { type SagaSummary, type Wire, summarizeSaga } from '@mlops/client';
import type { monitoring } from '@mlops/contracts';
import { unlessNotFound } from '../upstream/optional';
import { type Caller, PlatformApi } from '../upstream/platform-api';

type Alert = Wire<monitoring.Alert>;

export interface ModelMonitoring {
  policy: Wire<monitoring.MonitoringPolicy>;
  /** The latest drift evaluation, with each feature's reference and current distributions. */
  drift?: Wire<monitoring.DriftReport>;
  /** Past drift evaluations, oldest first (per feature: statistic and threshold over time). */
  driftHistory: Wire<monitoring.DriftReport>[];
  performance?: Wire<monitoring.PerformanceReport>;
  performanceHistory: Wire<monitoring.PerformanceReport>[];
}

export interface AlertWithOutcome extends Alert {
  /** What the alert led to: its saga's stages and outcome (retraining, version, rollout). */
  saga?: SagaSummary;
}

/** The Monitoring page: drift and live performance of a model over time, and alerts with what they led to. */
@Injectable()
export class MonitoringService {
  constructor(private readonly api: PlatformApi) {}

  async model(caller: Caller, modelName: string, sinceMs: number): Promise<ModelMonitoring> {
    const history = { modelName, sinceMs, limit: 500 };
    const [policy, drift, driftHistory, performance, performanceHistory] = await Promise.all([
      this.api.call<Wire<monitoring.MonitoringPolicy>>(caller, 'monitoring', 'GetMonitoringPolicy', { modelName }),
      unlessNotFound(this.api.call<Wire<monitoring.DriftReport>>(caller, 'monitoring', 'GetDriftReport', { modelName })),
      this.api.call<Wire<monitoring.ListDriftReportsResponse>>(caller, 'monitoring', 'ListDriftReports', history),
      unlessNotFound(this.api.call<Wire<monitoring.PerformanceReport>>(caller, 'monitoring', 'GetPerformanceReport', { modelName })),
      this.api.call<Wire<monitoring.ListPerformanceReportsResponse>>(caller, 'monitoring', 'ListPerformanceReports', history),
    ]);
    return { policy, drift, driftHistory: [...driftHistory.reports].reverse(), performance, performanceHistory: [...performanceHistory.reports].reverse() };
  }

  async alerts(caller: Caller, q: { modelName: string; pageSize: number; pageToken: string }): Promise<{ alerts: AlertWithOutcome[]; nextPageToken: string }> {
    const page = await this.api.call<Wire<monitoring.ListAlertsResponse>>(caller, 'monitoring', 'ListAlerts', { modelName: q.modelName, limit: q.pageSize, pageToken: q.pageToken });
    const alerts = await Promise.all(
      page.alerts.map(async (alert) => {
        const timeline = await unlessNotFound(this.api.call<Wire<monitoring.Timeline>>(caller, 'monitoring', 'GetTimeline', { correlationId: alert.correlationId || alert.alertId }));
        return { ...alert, saga: timeline && summarizeSaga(timeline.steps) };
      }),
    );
    return { alerts, nextPageToken: page.nextPageToken };
  }
}

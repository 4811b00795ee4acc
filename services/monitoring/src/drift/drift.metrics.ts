import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { PlatformMetrics } from '@mlops/observability';

/** Monitoring's Prometheus series, per model, version and feature. */
@Injectable()
export class DriftMetrics {
  readonly statistic: Gauge<'model' | 'version' | 'feature' | 'test'>;
  readonly drifted: Gauge<'model' | 'version' | 'feature'>;
  readonly driftedShare: Gauge<'model' | 'version'>;
  readonly windowRows: Gauge<'model'>;
  readonly alerts: Counter<'model' | 'kind'>;
  readonly predictions: Counter<'model'>;

  constructor(metrics: PlatformMetrics) {
    const registers = [metrics.registry];
    this.statistic = new Gauge({ name: 'mlops_monitoring_drift_statistic', help: 'Latest drift statistic per feature ("prediction" for predictions): the p-value of ks/chisquare/z, the distance otherwise.', labelNames: ['model', 'version', 'feature', 'test'], registers });
    this.drifted = new Gauge({ name: 'mlops_monitoring_feature_drifted', help: '1 when the feature drifted in the latest evaluation.', labelNames: ['model', 'version', 'feature'], registers });
    this.driftedShare = new Gauge({ name: 'mlops_monitoring_drifted_share', help: 'Share of drifted features in the latest evaluation.', labelNames: ['model', 'version'], registers });
    this.windowRows = new Gauge({ name: 'mlops_monitoring_window_rows', help: 'Rows in the current window.', labelNames: ['model'], registers });
    this.alerts = new Counter({ name: 'mlops_monitoring_alerts_total', help: 'Alerts raised.', labelNames: ['model', 'kind'], registers });
    this.predictions = new Counter({ name: 'mlops_monitoring_predictions_total', help: 'Predictions received from the prediction log.', labelNames: ['model'], registers });
  }
}

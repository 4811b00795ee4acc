import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { PlatformMetrics } from '@mlops/observability';

/** Live performance from late labels, per model, version and metric. */
@Injectable()
export class PerformanceMetrics {
  readonly current: Gauge<'model' | 'version' | 'metric'>;
  readonly baseline: Gauge<'model' | 'version' | 'metric'>;
  readonly degraded: Gauge<'model' | 'version'>;
  readonly labels: Counter<'model' | 'outcome'>;
  readonly waiting: Gauge<'model' | 'side'>;

  constructor(metrics: PlatformMetrics) {
    const registers = [metrics.registry];
    this.current = new Gauge({ name: 'mlops_monitoring_performance', help: 'Metric of the production version over the latest labelled window.', labelNames: ['model', 'version', 'metric'], registers });
    this.baseline = new Gauge({ name: 'mlops_monitoring_performance_baseline', help: "The version's test metric (from the registry).", labelNames: ['model', 'version', 'metric'], registers });
    this.degraded = new Gauge({ name: 'mlops_monitoring_performance_degraded', help: '1 when the judged metric degraded past the policy limit in the latest evaluation.', labelNames: ['model', 'version'], registers });
    this.labels = new Counter({ name: 'mlops_monitoring_labels_total', help: 'Labels by outcome: joined (to a prediction of the production version), other_version, expired (the label waited too long for its prediction, or was pushed out), unwatched (model without a reference), invalid (no request id or model name).', labelNames: ['model', 'outcome'], registers });
    this.waiting = new Gauge({ name: 'mlops_monitoring_label_join_waiting', help: 'Predictions waiting for their label, and labels waiting for their prediction.', labelNames: ['model', 'side'], registers });
  }
}

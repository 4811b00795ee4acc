import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { PlatformMetrics } from '@mlops/observability';

/** Per-version series of one model version, looked up once per version rather than per request. */
export interface VersionSeries {
  ok: Counter.Internal;
  duration: Histogram.Internal<'model' | 'version'>;
}

/**
 * Serving's Prometheus series, per model and version: requests by status, latency, batch sizes,
 * the traffic weight each version gets, analysis verdicts, and the prediction log's backlog.
 */
@Injectable()
export class ServingMetrics {
  readonly requests: Counter<'model' | 'version' | 'code'>;
  readonly duration: Histogram<'model' | 'version'>;
  readonly batchRequests: Histogram<'model' | 'version'>;
  readonly trafficWeight: Gauge<'model' | 'version' | 'role'>;
  readonly analyses: Counter<'model' | 'verdict'>;
  readonly predictionLogBacklog: Gauge;
  readonly predictionLogSent: Counter;
  readonly predictionLogDropped: Counter;
  readonly mirrorsSkipped: Counter;
  readonly labelJoinDropped: Counter;
  readonly labelsJoined: Counter;
  private readonly series = new Map<string, VersionSeries>();

  constructor(metrics: PlatformMetrics) {
    const registers = [metrics.registry];
    this.requests = new Counter({ name: 'mlops_serving_requests_total', help: 'Inference requests by model, version and gRPC status name.', labelNames: ['model', 'version', 'code'], registers });
    this.duration = new Histogram({
      name: 'mlops_serving_request_duration_seconds',
      help: 'Inference latency inside the server (decode, queue, run, encode).',
      labelNames: ['model', 'version'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.batchRequests = new Histogram({ name: 'mlops_serving_batch_requests', help: 'Requests merged into one onnxruntime run (adaptive batching).', labelNames: ['model', 'version'], buckets: [1, 2, 4, 8, 16, 32, 64], registers });
    this.trafficWeight = new Gauge({ name: 'mlops_serving_traffic_weight_percent', help: 'Share of live traffic each version answers.', labelNames: ['model', 'version', 'role'], registers });
    this.analyses = new Counter({ name: 'mlops_serving_analysis_verdicts_total', help: 'Deployment analyses by verdict (pass, fail, wait).', labelNames: ['model', 'verdict'], registers });
    this.predictionLogBacklog = new Gauge({ name: 'mlops_serving_prediction_log_backlog', help: 'Predictions waiting to be sent to the prediction log.', registers });
    this.predictionLogSent = new Counter({ name: 'mlops_serving_prediction_log_sent_total', help: 'Requests whose predictions reached the prediction log.', registers });
    this.predictionLogDropped = new Counter({ name: 'mlops_serving_prediction_log_dropped_total', help: 'Requests not logged because the backlog was full (or the broker refused them for good).', registers });
    this.labelJoinDropped = new Counter({ name: 'mlops_serving_label_join_dropped_total', help: 'Predictions or labels not queued for the label join because SERVING_LABEL_MEMORY rows were waiting.', registers });
    this.labelsJoined = new Counter({ name: 'mlops_serving_labels_joined_total', help: 'Labels joined to a prediction made during a deployment and scored by this replica.', registers });
    this.mirrorsSkipped = new Counter({ name: 'mlops_serving_mirrors_skipped_total', help: 'Requests not mirrored because SERVING_MAX_MIRRORS_IN_FLIGHT mirrors were running.', registers });
  }

  of(model: string, version: number): VersionSeries {
    const key = `${model}:${version}`;
    let series = this.series.get(key);
    if (!series) {
      series = { ok: this.requests.labels(model, String(version), 'OK'), duration: this.duration.labels(model, String(version)) };
      this.series.set(key, series);
    }
    return series;
  }
}

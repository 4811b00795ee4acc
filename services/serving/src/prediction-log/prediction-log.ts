import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topics, type events } from '@mlops/contracts';
import { StreamPublisher } from '@mlops/messaging';
import { KAFKA } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import type { BatchOutput } from '../inference/domain/batcher';
import type { Tensor } from '../inference/domain/tensors';
import type { Role } from '../routing/domain/traffic-split';
import { ServingMetrics } from '../serving.metrics';

/** One answered (or shadow) request, as the request path hands it over: nothing encoded yet. */
export interface PredictionEntry {
  requestId: string;
  model: string;
  version: number;
  role: Role;
  deploymentId: string;
  inputs: Tensor[];
  featureNames: string[];
  outputs: Record<string, BatchOutput>;
  predictions: number[];
  latencyMs: number;
  servedAtMs: number;
}

/**
 * The prediction log: every prediction (or a sample, SERVING_PREDICTION_LOG_SAMPLE_RATE) goes to
 * serving.predictions.logged.v2, one PredictionLogged per row, in batches per model. Logging
 * happens after the answer is computed and only queues the entry; encoding and sending run in the
 * background with a bounded backlog (SERVING_PREDICTION_LOG_MAX_BACKLOG requests), so the log can
 * neither slow nor fail inference. What is dropped when the backlog is full is counted.
 */
@Injectable()
export class PredictionLog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: StreamPublisher<PredictionEntry, events.PredictionLogBatch>;
  private readonly enabled: boolean;
  private readonly sampleRate: number;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(SERVING_CONFIG) config: ServingConfig, metrics: ServingMetrics, logger: JsonLogger) {
    this.enabled = config.predictionLog.enabled && config.predictionLog.sampleRate > 0;
    this.sampleRate = config.predictionLog.sampleRate;
    this.publisher = new StreamPublisher(kafka, {
      topic: Topics.predictionsLogged,
      toMessages: predictionBatches,
      maxBacklog: config.predictionLog.maxBacklog,
      service: 'serving',
      logger,
      onSent: (n) => metrics.predictionLogSent.inc(n),
      onDropped: (n) => metrics.predictionLogDropped.inc(n),
      onBacklog: (n) => metrics.predictionLogBacklog.set(n),
    });
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.publisher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }

  get backlog(): number {
    return this.publisher.backlog;
  }

  record(entry: PredictionEntry): void {
    if (!this.enabled || (this.sampleRate < 1 && Math.random() >= this.sampleRate)) return;
    this.publisher.push(entry);
  }
}

/** Predictions per row, grouped by model into batches keyed by model name and a sequence, so
 * one model's log spreads over the topic's partitions. */
let batchSequence = 0;
export function predictionBatches(entries: PredictionEntry[]): { key: string; message: events.PredictionLogBatch }[] {
  const byModel = new Map<string, events.PredictionLogged[]>();
  for (const entry of entries) {
    let predictions = byModel.get(entry.model);
    if (!predictions) byModel.set(entry.model, (predictions = []));
    const rows = entry.inputs[0]?.shape[0] ?? 1;
    for (let row = 0; row < rows; row++) {
      predictions.push({
        requestId: entry.requestId,
        modelName: entry.model,
        version: entry.version,
        features: rowFeatures(entry, row, rows),
        outputs: rowOutputs(entry.outputs, row, rows),
        servedAtMs: entry.servedAtMs,
        latencyMs: entry.latencyMs,
        row,
        prediction: entry.predictions[row] ?? 0,
        role: entry.role,
        deploymentId: entry.deploymentId,
      });
    }
  }
  return [...byModel].map(([model, predictions]) => ({ key: `${model}/${batchSequence++ % 1024}`, message: { modelName: model, predictions } }));
}

function rowFeatures(entry: PredictionEntry, row: number, rows: number): Record<string, number> {
  const features: Record<string, number> = {};
  const single = entry.inputs.length === 1;
  for (const input of entry.inputs) {
    const perRow = input.data.length / rows;
    for (let j = 0; j < perRow; j++) {
      const value = numeric(input.data[row * perRow + j]);
      if (value === undefined) continue;
      const name = single && entry.featureNames.length === perRow ? entry.featureNames[j] : perRow === 1 ? input.name : `${input.name}[${j}]`;
      features[name] = value;
    }
  }
  return features;
}

function rowOutputs(outputs: Record<string, BatchOutput>, row: number, rows: number): number[] {
  const values: number[] = [];
  for (const output of Object.values(outputs)) {
    const perRow = output.data.length / rows;
    for (let j = 0; j < perRow; j++) {
      const value = numeric(output.data[row * perRow + j]);
      if (value !== undefined) values.push(value);
    }
  }
  return values;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

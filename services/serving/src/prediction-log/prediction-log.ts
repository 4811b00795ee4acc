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
      maxBacklogBytes: config.predictionLog.maxBacklogBytes,
      sizeOf: entryBytes,
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

/** Predictions per row, grouped by model into messages of at most MAX_ROWS rows and about
 * MAX_BYTES (well under the broker's 1 MB limit), keyed by model name and a sequence so one
 * model's log spreads over the topic's partitions. */
const MAX_ROWS = 1000;
const MAX_BYTES = 256 * 1024;
let batchSequence = 0;
export function predictionBatches(entries: PredictionEntry[]): { key: string; message: events.PredictionLogBatch }[] {
  const batches: { key: string; message: events.PredictionLogBatch }[] = [];
  const open = new Map<string, { predictions: events.PredictionLogged[]; bytes: number }>();
  const close = (model: string) => {
    const batch = open.get(model);
    if (batch && batch.predictions.length > 0) batches.push({ key: `${model}/${batchSequence++ % 1024}`, message: { modelName: model, predictions: batch.predictions } });
    open.delete(model);
  };
  for (const entry of entries) {
    const rows = rowsOf(entry);
    const probabilities = probabilityPairs(entry.outputs, rows);
    for (let row = 0; row < rows; row++) {
      const prediction: events.PredictionLogged = {
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
        // The probability of the second (positive) class.
        score: probabilities && Number(probabilities.data[row * 2 + 1]),
      };
      const bytes = 64 + entry.requestId.length + entry.deploymentId.length + 16 * Object.keys(prediction.features).length + 9 * prediction.outputs.length;
      let batch = open.get(entry.model);
      if (batch && (batch.predictions.length >= MAX_ROWS || batch.bytes + bytes > MAX_BYTES)) {
        close(entry.model);
        batch = undefined;
      }
      if (!batch) open.set(entry.model, (batch = { predictions: [], bytes: 0 }));
      batch.predictions.push(prediction);
      batch.bytes += bytes;
    }
  }
  for (const model of [...open.keys()]) close(model);
  return batches;
}

/** Rows of a request: one per prediction (the model's own batch dimension), else the first input's. */
function rowsOf(entry: PredictionEntry): number {
  return entry.predictions.length || entry.inputs[0]?.shape[0] || 1;
}

/** What an entry holds in memory while it waits, roughly: its tensors' elements. */
export function entryBytes(entry: PredictionEntry): number {
  let bytes = 256;
  for (const t of entry.inputs) bytes += t.data.length * 8;
  for (const o of Object.values(entry.outputs)) bytes += o.data.length * 8;
  return bytes;
}

function rowFeatures(entry: PredictionEntry, row: number, rows: number): Record<string, number> {
  const features: Record<string, number> = {};
  const single = entry.inputs.length === 1;
  for (const input of entry.inputs) {
    const perRow = input.data.length / rows;
    if (!Number.isInteger(perRow)) continue; // an input without the batch dimension
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
    if (!Number.isInteger(perRow)) continue;
    for (let j = 0; j < perRow; j++) {
      const value = numeric(output.data[row * perRow + j]);
      if (value !== undefined) values.push(value);
    }
  }
  return values;
}

/** A binary classifier's class probabilities: the float output with two values per row (the
 * class-probability tensor of ONNX classifiers), when there is exactly one. */
function probabilityPairs(outputs: Record<string, BatchOutput>, rows: number): BatchOutput | undefined {
  const pairs = Object.values(outputs).filter((o) => (o.type === 'float32' || o.type === 'float64') && o.data.length === 2 * rows && o.dims[o.dims.length - 1] === 2);
  return pairs.length === 1 ? pairs[0] : undefined;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

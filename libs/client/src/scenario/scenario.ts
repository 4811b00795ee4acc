import { Kafka, type Producer, logLevel } from 'kafkajs';
import { RawTopics, Topics } from '@mlops/contracts';
import type { ApiClient, PlatformClients } from '../clients';
import type { TimelineStep } from '../sagas';
import { FEATURES, type Phase, normalSource, ride } from './data';
import { type LoopLatency, loopLatency } from './stages';

/** What the scenario tells whoever watches it (the demo prints it; the end-to-end test keeps it). */
export type ScenarioEvent =
  | { type: 'stage'; text: string }
  | { type: 'progress'; what: string; done: number; total: number }
  | { type: 'traffic'; sent: number; failed: number; byVersion: Record<string, number> };

export interface ScenarioOptions {
  /** Names the dataset, view and model (several runs side by side do not collide). */
  name: string;
  clients: PlatformClients;
  kafkaBrokers: string[];
  report?: (event: ScenarioEvent) => void;
  /** Records streamed before and after the shift. */
  records?: number;
  /** Inference workers (each sends one request at a time). */
  workers?: number;
  /** Canary analysis interval, seconds. */
  intervalSeconds?: number;
}

const DAY_MS = 86_400_000;

/** The loop did not go as it should (a job failed, the rollout was rolled back): waiting longer changes nothing. */
export class ScenarioFailure extends Error {}
const INFERENCE = { protoFile: 'inference/grpc_predict_v2.proto', service: 'inference.GRPCInferenceService' };

/**
 * The closed loop as a user drives it, through public faces only: a dataset and a feature view
 * are registered, a producer streams rides into Kafka, the first model is trained, registered
 * and put live by the platform, clients ask for predictions and labels follow on the feedback
 * topic. Then the world shifts; from there on the scenario only keeps traffic and labels coming
 * and watches: drift, retraining, registration, canary and promotion happen by themselves.
 */
export class LoopScenario {
  readonly dataset: string;
  readonly view: string;
  readonly model: string;
  private producer?: Producer;
  private phase: Phase = 'before';
  /** The model's input tensor, from its signature in the registry. */
  private inputName = 'input';
  private traffic?: { stop: () => Promise<void> };
  readonly stats = { sent: 0, failed: 0, labels: 0, byVersion: {} as Record<string, number>, failures: [] as string[] };
  /** The id of every record the producer sent (for a run that checks none was lost or stored twice). */
  readonly streamedRecordIds: string[] = [];
  private readonly normal = normalSource();
  private readonly report: (event: ScenarioEvent) => void;

  constructor(private readonly options: ScenarioOptions) {
    this.dataset = `${options.name}-rides`;
    this.view = `${options.name}-ride-features`;
    this.model = `${options.name}-late-rides`;
    this.report = options.report ?? (() => undefined);
  }

  private get c(): PlatformClients {
    return this.options.clients;
  }

  private get inference(): ApiClient {
    return this.c.api('serving', INFERENCE);
  }

  async connect(): Promise<void> {
    this.producer = new Kafka({ brokers: this.options.kafkaBrokers, clientId: 'mlops-demo', logLevel: logLevel.NOTHING }).producer();
    await this.producer.connect();
  }

  async close(): Promise<void> {
    await this.traffic?.stop();
    await this.producer?.disconnect();
  }

  /** The dataset, the view, and the policies that make the loop quick enough to watch. */
  async setUp(): Promise<void> {
    this.report({ type: 'stage', text: `registering dataset ${this.dataset}, feature view ${this.view} and the policies of model ${this.model}` });
    await this.c.ingestion.call('RegisterDataset', {
      dataset: this.dataset,
      entityColumn: 'ride_id',
      eventTimeColumn: 'ts',
      labelColumn: 'late',
      columns: [
        { name: 'ride_id', type: 'COLUMN_TYPE_INT' },
        { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
        ...FEATURES.map((name) => ({ name, type: 'COLUMN_TYPE_FLOAT' })),
        { name: 'late', type: 'COLUMN_TYPE_INT' },
      ],
    });
    await this.c.featureStore.call('RegisterFeatureView', { name: this.view, sourceDataset: this.dataset, features: FEATURES.map((name) => ({ name, column: { column: name } })) });
    const interval = this.options.intervalSeconds ?? 2;
    await this.c.deployments.call('SetDeploymentPolicy', { modelName: this.model, strategy: 'STRATEGY_CANARY', canarySteps: [25, 50, 100], intervalSeconds: interval, thresholds: { minRequests: 10, minLabels: 10, minMirrored: 10, requireLabels: true } });
    await this.c.monitoring.call('SetMonitoringPolicy', { modelName: this.model, windowSize: 500, evaluateEvery: 250, labelWindow: 200, consecutive: 2, clearAfter: 2, cooldownSeconds: 600, retrain: 'RETRAIN_POLICY_AUTOMATIC' });
  }

  /**
   * Streams rides of a phase to the ingestion topic as JSON, like any Kafka producer, and waits
   * until ingestion has stored them. Rides before the shift are dated two days back, so that a
   * retraining on the last day's data learns the world after it.
   */
  async streamRecords(phase: Phase, count = this.options.records ?? 3000, datedNow = false): Promise<void> {
    const before = Number((await this.c.ingestion.call<{ recordCount: number }>('GetDataset', { dataset: this.dataset })).recordCount);
    const end = phase === 'before' && !datedNow ? Date.now() - 2 * DAY_MS : Date.now();
    const firstId = before;
    for (let start = 0; start < count; start += 500) {
      const messages = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
        const i = start + k;
        const r = ride(phase, this.normal);
        const fields = { ride_id: firstId + i, ts: end - (count - i) * 10, x1: r.x1, x2: r.x2, x3: r.x3, late: r.y };
        return { key: String(firstId + i), value: JSON.stringify({ dataset: this.dataset, record_id: `${phase}-${firstId + i}`, fields }) };
      });
      await this.producer!.send({ topic: RawTopics.recordsReceived, messages });
      for (let k = 0; k < messages.length; k++) this.streamedRecordIds.push(`${phase}-${firstId + start + k}`);
    }
    await this.until(async () => {
      const stored = Number((await this.c.ingestion.call<{ recordCount: number }>('GetDataset', { dataset: this.dataset })).recordCount) - before;
      this.report({ type: 'progress', what: `records stored (${phase} the shift)`, done: Math.min(stored, count), total: count });
      return stored >= count;
    }, 120_000, 'ingestion to store the streamed records');
  }

  /** The first model: a training job over everything ingested so far; the platform registers it and puts it live. */
  async trainFirstModel(): Promise<{ jobId: string; version: number }> {
    this.report({ type: 'stage', text: 'training the first model (logistic regression on the rides so far)' });
    const job = await this.c.training.call<{ jobId: string }>('SubmitTrainingJob', { idempotencyKey: `${this.model}-first`, modelName: this.model, featureView: this.view, cutDatasetVersion: true, algorithm: 'ALGORITHM_LOGISTIC_REGRESSION', seed: 1 });
    await this.until(async () => {
      const j = await this.c.training.call<{ status: string; statusMessage: string }>('GetTrainingJob', { jobId: job.jobId });
      if (j.status === 'JOB_STATUS_FAILED') throw new ScenarioFailure(`the first training job failed: ${j.statusMessage}`);
      return j.status === 'JOB_STATUS_SUCCEEDED' && j;
    }, 180_000, 'the first training job');
    const production = await this.until(
      () => this.c.registry.call<{ version: number; signature?: { inputs?: { name: string }[] } }>('GetModelVersionByAlias', { modelName: this.model, alias: 'production' }).catch(() => undefined),
      60_000,
      'version 1 in production',
    );
    const version = production.version;
    this.inputName = production.signature?.inputs?.[0]?.name ?? this.inputName;
    this.report({ type: 'stage', text: `version ${version} is in production` });
    return { jobId: job.jobId, version };
  }

  /** Clients ask for predictions of the current phase's rides; each answer's label follows on the feedback topic. */
  startTraffic(): void {
    let running = true;
    const labels: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
    const flush = async () => {
      const batch = labels.splice(0, labels.length);
      if (batch.length) await this.producer!.send({ topic: Topics.feedbackReceived.name, messages: batch }).catch(() => labels.unshift(...batch));
    };
    const flusher = setInterval(() => void flush(), 200);
    const reporter = setInterval(() => this.report({ type: 'traffic', sent: this.stats.sent, failed: this.stats.failed, byVersion: { ...this.stats.byVersion } }), 2000);
    let n = 0;
    const worker = async (w: number) => {
      while (running) {
        const r = ride(this.phase, this.normal);
        const id = `${this.model}-${w}-${n++}`;
        this.stats.sent++;
        try {
          const answer = await this.inference.call<{ id: string; modelVersion: string }>('ModelInfer', { modelName: this.model, id, parameters: { routing_key: { stringParam: `rider-${n % 1000}` } }, inputs: [{ name: this.inputName, datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [r.x1, r.x2, r.x3] } }] }, { timeoutMs: 5000 });
          this.stats.byVersion[answer.modelVersion] = (this.stats.byVersion[answer.modelVersion] ?? 0) + 1;
          const value = Buffer.from(Topics.feedbackReceived.codec.encode({ requestId: answer.id, modelName: this.model, label: r.y, observedAtMs: Date.now(), row: 0 }).finish());
          labels.push({ key: this.model, value, headers: { 'content-type': `application/x-protobuf; type=${Topics.feedbackReceived.messageType}` } });
          this.stats.labels++;
        } catch (error) {
          this.stats.failed++;
          if (this.stats.failures.length < 20) this.stats.failures.push(error instanceof Error ? error.message : String(error));
          await sleep(100);
        }
        await sleep(5);
      }
    };
    const workers = Array.from({ length: this.options.workers ?? 3 }, (_, w) => worker(w));
    this.traffic = {
      stop: async () => {
        running = false;
        await Promise.all(workers);
        clearInterval(flusher);
        clearInterval(reporter);
        await flush();
        this.traffic = undefined;
      },
    };
  }

  /** The world changes: the producer streams shifted rides (new data to learn from), then the traffic shifts too. */
  async shift(): Promise<number> {
    this.report({ type: 'stage', text: 'the producer shifts the data: x1 and x3 move up, and lateness follows a new rule' });
    await this.streamRecords('after');
    this.phase = 'after';
    return Date.now();
  }

  /**
   * The world moves to `phase` now (records dated now, then the traffic): for runs that close the
   * loop again and again (scripts/chaos.sh), each shift undoing the one before.
   */
  async shiftTo(phase: Phase, count = this.options.records ?? 3000): Promise<number> {
    this.report({ type: 'stage', text: `the producer moves the data to the "${phase}" world` });
    await this.streamRecords(phase, count, true);
    this.phase = phase;
    return Date.now();
  }

  /**
   * A bad candidate, the way one slips through: an engineer retrains with almost no capacity
   * (C = 1e-6: a model that always predicts the majority class) and a gate loose enough to let
   * anything pass. The platform registers it and starts its canary; the late labels show it is
   * worse than production. Returns the correlation id that follows it.
   */
  async submitBadCandidate(): Promise<string> {
    const correlationId = `${this.model}-bad-candidate`;
    this.report({ type: 'stage', text: 'an engineer pushes a bad candidate (C = 1e-6, gate switched off): the canary must catch it' });
    await this.c.training.call(
      'SubmitTrainingJob',
      { idempotencyKey: correlationId, modelName: this.model, featureView: this.view, cutDatasetVersion: true, fromTimeMs: Date.now() - DAY_MS, toTimeMs: Date.now(), algorithm: 'ALGORITHM_LOGISTIC_REGRESSION', hyperparameters: { C: 1e-6 }, gate: { metric: 'accuracy', maxDegradation: 1 }, seed: 2 },
      { metadata: { 'x-correlation-id': correlationId } },
    );
    return correlationId;
  }

  /** The alert (data drift or degradation) that requested the retraining: its id follows the saga. */
  retrainingAlert(timeoutMs = 180_000): Promise<{ alertId: string; kind: string }> {
    return this.until(
      async () => (await this.c.monitoring.call<{ alerts: { alertId: string; kind: string; retrainRequested: boolean }[] }>('ListAlerts', { modelName: this.model })).alerts.find((a) => a.retrainRequested),
      timeoutMs,
      'an alert that requests retraining',
    );
  }

  /** The saga's steps once its version is promoted; a rollback or a failed training ends the wait. */
  promotedSaga(correlationId: string, timeoutMs = 240_000): Promise<TimelineStep[]> {
    return this.until(async () => {
      const { steps } = await this.c.monitoring.call<{ steps: TimelineStep[] }>('GetTimeline', { correlationId });
      const last = steps[steps.length - 1];
      if (last && ['deployment.rolled_back', 'training.failed'].includes(last.kind)) throw new ScenarioFailure(`loop failed: ${last.summary}`);
      return last?.kind === 'deployment.promoted' && steps;
    }, timeoutMs, 'the retrained version to be promoted');
  }

  /** How long the saga took from the shift, with its training job's own duration separated. */
  async latency(steps: TimelineStep[], shiftedAtMs: number): Promise<LoopLatency | undefined> {
    const jobId = steps.find((s) => s.kind === 'training.completed')?.details?.jobId;
    const job = jobId ? await this.c.training.call<{ createdAtMs: number; finishedAtMs: number }>('GetTrainingJob', { jobId }) : undefined;
    return loopLatency(steps, shiftedAtMs, job);
  }

  /** Waits until `check` returns something truthy (polling every 250 ms). */
  async until<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await check();
        if (value) return value;
      } catch (error) {
        last = error;
        if (error instanceof ScenarioFailure) throw error;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
      await sleep(250);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

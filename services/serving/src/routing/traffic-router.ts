import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDomainError } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import type { Deployment } from '../deployments/domain/deployment';
import type { BatchOutput } from '../inference/domain/batcher';
import { type DecodedRequest, type InferRequest, type InferResponse, InferenceService } from '../inference/inference.service';
import type { LoadedModel } from '../models/loaded-model';
import { ModelStore } from '../models/model-store';
import { PredictionLog } from '../prediction-log/prediction-log';
import { ServingMetrics } from '../serving.metrics';
import { comparePredictions, scoreLabel } from './domain/predictions';
import { type Role, routeRequest } from './domain/traffic-split';
import { type JoinedLabel, LabelJoin } from './label-join';
import { Measurements, type WindowRef } from './measurements';
import { RoutingTable } from './routing-table';

interface Answer {
  model: LoadedModel;
  results: Record<string, BatchOutput>;
  role: Role;
  deployment?: Deployment;
}

const CLIENT_FAULTS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'RESOURCE_EXHAUSTED']);
/** Whether a failure is the server's (the model or the platform), not the request's. */
const serverFault = (error: unknown) => !(isDomainError(error) && CLIENT_FAULTS.has(error.kind));

/**
 * The request path: which version answers (the version asked for, else the model's active
 * deployment, else its production version), the run itself, the measurements the deployment's
 * analysis needs (outcome and latency per version, comparisons on mirrored requests, predictions
 * kept for late labels), the prediction log and the metrics. When the candidate fails a request,
 * the stable version answers it instead (unless the policy says otherwise) and the failure still
 * counts against the candidate, so a bad candidate costs its users latency, not errors.
 */
@Injectable()
export class TrafficRouter {
  private readonly failureLogged = new Map<string, number>();
  private mirrorsInFlight = 0;
  private readonly maxMirrors: number;

  constructor(
    private readonly models: ModelStore,
    private readonly inference: InferenceService,
    private readonly table: RoutingTable,
    private readonly measurements: Measurements,
    private readonly predictionLog: PredictionLog,
    private readonly metrics: ServingMetrics,
    private readonly logger: JsonLogger,
    private readonly labels: LabelJoin,
    @Inject(SERVING_CONFIG) config: ServingConfig,
  ) {
    this.maxMirrors = config.maxMirrorsInFlight;
    labels.handle((joined) => this.score(joined));
  }

  async infer(request: InferRequest): Promise<InferResponse> {
    const started = performance.now();
    let answer: Answer | undefined;
    try {
      const decoded = this.inference.decode(request);
      const id = request.id || randomUUID();
      answer = await this.answer(request, decoded, id);
      const response = this.inference.encode(answer.model, decoded, answer.results, id);
      const latencyMs = performance.now() - started;
      const series = this.metrics.of(answer.model.name, answer.model.version);
      series.ok.inc();
      series.duration.observe(latencyMs / 1000);
      const predictions = answer.model.predictions(answer.results);
      const d = answer.deployment;
      if (d && answer.role !== 'pinned') predictions.forEach((p, row) => this.labels.remember(id, row, d.id, answer!.model.task, answer!.role as 'stable' | 'candidate', p));
      this.predictionLog.record({
        requestId: id,
        model: answer.model.name,
        version: answer.model.version,
        role: answer.role,
        deploymentId: d?.id ?? '',
        inputs: decoded.inputs,
        featureNames: answer.model.featureNames,
        outputs: answer.results,
        predictions,
        latencyMs,
        servedAtMs: Date.now(),
      });
      return response;
    } catch (error) {
      this.countFailure(request, answer, error);
      throw error;
    }
  }

  /** A late label: joined (in the shared label join) to the prediction made during a deployment, if any. */
  label(requestId: string, row: number, label: number): void {
    this.labels.label(requestId, row, label);
  }

  /** Labelled rows: scored for each version that predicted them, in the deployment's current window. */
  private score(joined: JoinedLabel[]): void {
    for (const entry of joined) {
      const d = this.table.deployment(entry.deploymentId);
      if (!d) continue;
      const ref = { deploymentId: d.id, window: d.window };
      if (entry.stable !== undefined) this.measurements.label(ref, 'stable', scoreLabel(entry.stable, entry.label, entry.task));
      if (entry.candidate !== undefined) this.measurements.label(ref, 'candidate', scoreLabel(entry.candidate, entry.label, entry.task));
      this.metrics.labelsJoined.inc();
    }
  }

  private async answer(request: InferRequest, decoded: DecodedRequest, id: string): Promise<Answer> {
    if (request.modelVersion) {
      const model = await this.models.resolve(request.modelName, request.modelVersion);
      return { model, results: await this.inference.run(model, decoded), role: 'pinned' };
    }
    const deployment = this.table.active(request.modelName);
    if (deployment) return this.answerInDeployment(deployment, decoded, request.routingKey, id);
    // Hot path: the production version and its model are usually in memory already.
    const version = this.models.freshProductionVersion(request.modelName) ?? (await this.models.productionVersion(request.modelName));
    const model = this.models.loaded(request.modelName, version) ?? (await this.models.get(request.modelName, version));
    return { model, results: await this.inference.run(model, decoded), role: 'stable' };
  }

  private async answerInDeployment(d: Deployment, decoded: DecodedRequest, routingKey: string | undefined, id: string): Promise<Answer> {
    const route = routeRequest(d, routingKey);
    // The candidate takes live traffic only once it is loaded and warm.
    const warm = route.role === 'stable' || d.stableVersion === 0 || this.models.loaded(d.modelName, d.candidateVersion) !== undefined;
    const role = warm ? route.role : 'stable';
    const ref = { deploymentId: d.id, window: d.window };
    const version = role === 'candidate' ? d.candidateVersion : d.stableVersion;
    const model = this.models.loaded(d.modelName, version) ?? (await this.models.get(d.modelName, version));
    const t = performance.now();
    try {
      const results = await this.inference.run(model, decoded);
      this.measurements.inference(ref, role, true, performance.now() - t);
      if (route.mirrorVersion && warm) this.startMirror(d, ref, role === 'candidate' ? 'stable' : 'candidate', decoded, model, results, id);
      return { model, results, role, deployment: d };
    } catch (error) {
      if (role === 'stable' || d.stableVersion === 0 || !d.policy.stableFallback) {
        if (serverFault(error)) this.measurements.inference(ref, role, false, 0);
        this.logFailure(model, error);
        throw error;
      }
      return this.fallBack(d, ref, decoded, error);
    }
  }

  /** The candidate failed: the stable version answers. If it fails too with a client error, the
   * request was at fault and the candidate is not blamed. */
  private async fallBack(d: Deployment, ref: WindowRef, decoded: DecodedRequest, candidateError: unknown): Promise<Answer> {
    const stable = await this.models.get(d.modelName, d.stableVersion);
    const t = performance.now();
    let results: Record<string, BatchOutput>;
    try {
      results = await this.inference.run(stable, decoded);
    } catch (error) {
      if (serverFault(error)) this.measurements.inference(ref, 'stable', false, 0);
      throw error;
    }
    this.measurements.inference(ref, 'candidate', false, 0);
    this.measurements.inference(ref, 'stable', true, performance.now() - t);
    const candidate = this.models.loaded(d.modelName, d.candidateVersion);
    if (candidate) this.logFailure(candidate, candidateError);
    return { model: stable, results, role: 'stable', deployment: d };
  }

  /** Mirrors run beside the request path, at most SERVING_MAX_MIRRORS_IN_FLIGHT at once: a
   * mirror target slower than the traffic skips requests (counted) instead of queueing them. */
  private startMirror(...args: Parameters<TrafficRouter['mirror']>): void {
    if (this.mirrorsInFlight >= this.maxMirrors) {
      this.metrics.mirrorsSkipped.inc();
      return;
    }
    this.mirrorsInFlight++;
    this.mirror(...args)
      .catch((error: unknown) => this.logger.warn('mirroring failed', { error: String(error) }))
      .finally(() => this.mirrorsInFlight--);
  }

  /** Runs the other version on the same inputs in the background and compares the predictions. */
  private async mirror(d: Deployment, ref: WindowRef, side: 'candidate' | 'stable', decoded: DecodedRequest, answered: LoadedModel, answeredResults: Record<string, BatchOutput>, id: string): Promise<void> {
    const model = this.models.loaded(d.modelName, side === 'candidate' ? d.candidateVersion : d.stableVersion);
    if (!model) return;
    const t = performance.now();
    let results: Record<string, BatchOutput>;
    try {
      results = await this.inference.run(model, decoded);
    } catch (error) {
      // The answering version took this request, so a failure here is the mirror's own.
      this.measurements.inference(ref, side, false, 0);
      this.logFailure(model, error);
      return;
    }
    const latencyMs = performance.now() - t;
    this.measurements.inference(ref, side, true, latencyMs);
    const mine = model.predictions(results);
    const theirs = answered.predictions(answeredResults);
    const task = side === 'candidate' ? model.task : answered.task;
    this.measurements.comparison(ref, side === 'candidate' ? comparePredictions(mine, theirs, task) : comparePredictions(theirs, mine, task));
    mine.forEach((p, row) => this.labels.remember(id, row, d.id, model.task, side, p));
    if (side === 'candidate') {
      this.predictionLog.record({ requestId: id, model: model.name, version: model.version, role: 'shadow', deploymentId: d.id, inputs: decoded.inputs, featureNames: model.featureNames, outputs: results, predictions: mine, latencyMs, servedAtMs: Date.now() });
    }
  }

  private countFailure(request: InferRequest, answer: Answer | undefined, error: unknown): void {
    const code = isDomainError(error) ? error.kind : 'INTERNAL';
    const known = answer ?? this.knownVersion(request);
    this.metrics.requests.labels(known ? request.modelName : '', known ? String(known.model.version) : '', code).inc();
  }

  /** The version a failed request would have gone to, when it is loaded (labels stay bounded: unknown names are not series). */
  private knownVersion(request: InferRequest): { model: LoadedModel } | undefined {
    const d = this.table.active(request.modelName);
    const version = request.modelVersion ? Number(request.modelVersion) : d ? d.stableVersion || d.candidateVersion : this.models.knownProductionVersion(request.modelName);
    const model = version ? this.models.loaded(request.modelName, version) : undefined;
    return model && { model };
  }

  /** Model failures are logged at most once a second per version (a failing candidate must not flood the log). */
  private logFailure(model: LoadedModel, error: unknown): void {
    if (!serverFault(error)) return;
    const key = `${model.name}:${model.version}`;
    const now = Date.now();
    if ((this.failureLogged.get(key) ?? 0) > now - 1000) return;
    this.failureLogged.set(key, now);
    this.logger.warn('inference failed', { model: model.name, version: model.version, error: error instanceof Error ? error.message : String(error) });
  }
}

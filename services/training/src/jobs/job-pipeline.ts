import { Injectable } from '@nestjs/common';
import * as ort from 'onnxruntime-node';
import { type TrainedModel, exportOnnx, selectRows, verifyOnnx } from '@mlops/ml';
import { failedPrecondition } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import { MAX_METRICS_PER_BATCH } from '../tracking/domain/run';
import { type NewRun, TrackingService } from '../tracking/tracking.service';
import { PlatformClients } from './clients/upstream.clients';
import { type Part, refitParams, resolvedParams, splitRows } from './domain/fit-procedure';
import { type JobSpec, candidates, gateDecision, lowerIsBetter } from './domain/job-spec';
import { type Scores, classesOf, evaluate, score } from './domain/trainer';
import { fitOffLoop } from './fit-off-loop';
import { TrainingDataError, toTrainingData } from './domain/training-data';
import type { Job, JobOutcome } from './jobs.repository';

export interface PipelineResult extends JobOutcome {
  lineage: { featureView: string; featureViewVersion: number; dataset: string; datasetVersion: number; datasetContentHash: string };
  featureNames: string[];
}

type Progress = (message: string) => Promise<void>;

/**
 * One training job, start to end: snapshot → split → trials (each a tracked run) → best on
 * validation → test metrics, beside the production model's on the same rows → gate → refit of
 * the winner on all the rows (unless the job says refit: false) → ONNX export verified in
 * onnxruntime → artifact uploaded. Registration is not done here: the
 * completed-run event, written with the job's end, makes the registry do it.
 */
@Injectable()
export class JobPipeline {
  constructor(
    private readonly clients: PlatformClients,
    private readonly tracking: TrackingService,
    private readonly logger: JsonLogger,
  ) {}

  async run(job: Job, progress: Progress): Promise<PipelineResult> {
    const runIds: string[] = [];
    try {
      const result = await this.steps(job, progress, runIds);
      for (const runId of runIds) await this.tracking.updateRun(runId, { status: 'finished', endTimeMs: 0, runName: '' });
      return result;
    } catch (error) {
      for (const runId of runIds) await this.tracking.updateRun(runId, { status: 'failed', endTimeMs: 0, runName: '' }).catch(() => undefined);
      throw error;
    }
  }

  private async steps(job: Job, progress: Progress, runIds: string[]): Promise<PipelineResult> {
    const spec = job.spec;
    await progress('building the snapshot');
    const { snapshot, rows } = await this.clients.snapshot(
      spec.snapshotId ? { snapshotId: spec.snapshotId } : { featureView: spec.featureView, version: spec.featureViewVersion, datasetVersion: spec.datasetVersion, cutDatasetVersion: spec.cutDatasetVersion, fromTimeMs: spec.fromTimeMs, toTimeMs: spec.toTimeMs, requestedByRunId: job.jobId },
    );
    const data = this.trainingData(spec, snapshot.featureNames, rows);
    const parts = splitRows(spec, data.X, data.y);
    const reproducibility = { snapshotContentHash: snapshot.contentHash, seed: spec.seed, codeVersion: process.env.CODE_VERSION ?? 'dev', packages: { node: process.versions.node, 'onnxruntime-node': ort.env.versions?.common ?? '' } };

    const trials = await this.search(job, spec, data.featureNames, parts, reproducibility, progress, runIds);
    const best = trials.reduce((a, b) => (better(spec.gateMetric, b.validation[spec.gateMetric], a.validation[spec.gateMetric]) ? b : a));
    await progress(`evaluating run ${best.runId} on the test split`);
    const metrics = evaluate(score(best.model, parts.test.X), parts.test.y, classesOf(best.model));
    const productionMetrics = await this.productionMetrics(spec, data.featureNames, parts.test, classesOf(best.model));
    const gate = gateDecision(spec.gateMetric, metrics[spec.gateMetric], productionMetrics?.[spec.gateMetric], spec.gateMaxDegradation);
    await this.tracking.logBatch(best.runId, Object.entries(metrics).map(([key, value]) => ({ key: `test_${key}`, value, step: 0, timestampMs: 0 })), {}, { gate: gate.passed ? 'passed' : 'failed' });

    const model = gate.passed && spec.refit !== false ? await this.refit(spec, best, data, progress) : best.model;

    await progress('exporting ONNX');
    const onnx = exportOnnx(model);
    const sample = selectRows(parts.test.X, Array.from({ length: Math.min(200, parts.test.X.rows) }, (_, i) => i));
    await verifyOnnx(model, onnx, sample, (X) => score(model, X));
    const artifact = await this.clients.uploadArtifact(onnx);
    await this.tracking.logArtifact(best.runId, { path: 'model.onnx', sha256: artifact.sha256, size: artifact.size });
    this.logger.info('training job evaluated', { jobId: job.jobId, runId: best.runId, metrics, productionMetrics, gate: gate.reason });
    return {
      runId: best.runId,
      trialRunIds: trials.map((t) => t.runId),
      snapshotId: snapshot.snapshotId,
      metrics,
      productionMetrics: productionMetrics ?? {},
      gatePassed: gate.passed,
      gateReason: gate.reason,
      artifactSha256: artifact.sha256,
      featureNames: data.featureNames,
      lineage: { featureView: snapshot.featureView, featureViewVersion: snapshot.featureViewVersion, dataset: snapshot.dataset, datasetVersion: snapshot.datasetVersion, datasetContentHash: snapshot.datasetContentHash },
    };
  }

  private trainingData(spec: JobSpec, featureNames: string[], rows: Parameters<typeof toTrainingData>[1]) {
    try {
      return toTrainingData(featureNames, rows, spec.algorithm === 'gradient_boosted_trees');
    } catch (error) {
      if (error instanceof TrainingDataError) throw failedPrecondition(error.message);
      throw error;
    }
  }

  /** Every trial is a run (left running until the job ends: the winner gets test metrics and the artifact). */
  private async search(job: Job, spec: JobSpec, featureNames: string[], parts: { train: Part; validation: Part }, reproducibility: NewRun['reproducibility'], progress: Progress, runIds: string[]) {
    const sets = candidates(spec);
    const trials: { runId: string; model: TrainedModel; params: Record<string, number>; validation: Record<string, number> }[] = [];
    for (const [i, candidate] of sets.entries()) {
      await progress(`trial ${i + 1} of ${sets.length}`);
      const run = await this.tracking.createRun({ experiment: spec.experiment || spec.modelName, runName: `${spec.algorithm}-${i + 1}`, tags: { job_id: job.jobId, model: spec.modelName, trigger: spec.trigger }, reproducibility });
      runIds.push(run.runId);
      const curve: { key: string; value: number; step: number; timestampMs: number }[] = [];
      const params = resolvedParams(spec.algorithm, candidate, parts.train.X.rows);
      const { model, iterations, validation } = await fitOffLoop({ algorithm: spec.algorithm, problem: spec.problem, featureNames, params, train: parts.train, validation: parts.validation, seed: spec.seed, threads: spec.threads ?? 1 });
      if (!validation) throw new Error('a trial fit scores its validation rows');
      for (const [step, trainLoss, validationLoss] of iterations) {
        curve.push({ key: 'train_loss', value: trainLoss, step, timestampMs: 0 });
        if (validationLoss !== undefined) curve.push({ key: 'validation_loss', value: validationLoss, step, timestampMs: 0 });
      }
      const paramStrings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
      await this.logCurve(run.runId, [...curve, ...Object.entries(validation).map(([key, value]) => ({ key: `validation_${key}`, value, step: 0, timestampMs: 0 }))], { ...paramStrings, algorithm: spec.algorithm }, {});
      trials.push({ runId: run.runId, model, params, validation });
    }
    return trials;
  }

  /**
   * The winner fit again on every row the job was given (its test metrics stay those measured
   * without the test rows); the run records this second fit beside the first: `refit_*` params,
   * the `refit_train_loss` curve, `refit_rows`, and the tag refit=all_rows.
   */
  private async refit(spec: JobSpec, best: { runId: string; params: Record<string, number>; model: TrainedModel }, data: { X: Part['X']; y: number[]; featureNames: string[] }, progress: Progress): Promise<TrainedModel> {
    await progress(`refitting run ${best.runId} on all ${data.X.rows} rows`);
    const params = refitParams(spec.algorithm, best.params, best.model);
    const curve: { key: string; value: number; step: number; timestampMs: number }[] = [];
    const { model, iterations } = await fitOffLoop({ algorithm: spec.algorithm, problem: spec.problem, featureNames: data.featureNames, params, train: { X: data.X, y: data.y }, seed: spec.seed, threads: spec.threads ?? 1 });
    for (const [step, trainLoss] of iterations) curve.push({ key: 'refit_train_loss', value: trainLoss, step, timestampMs: 0 });
    const refitParamStrings = Object.fromEntries(Object.entries(params).map(([k, v]) => [`refit_${k}`, String(v)]));
    await this.logCurve(best.runId, [...curve, { key: 'refit_rows', value: data.X.rows, step: 0, timestampMs: 0 }], refitParamStrings, { refit: 'all_rows' });
    return model;
  }

  /**
   * A fit's loss curve and its params and tags, in as many LogBatch calls as the batch limit needs
   * (two values per boosting iteration: 5,000 iterations passed the 10,000 of one batch and failed the job).
   */
  private async logCurve(runId: string, metrics: Parameters<TrackingService['logBatch']>[1], params: Record<string, string>, tags: Record<string, string>): Promise<void> {
    for (let i = 0; i === 0 || i < metrics.length; i += MAX_METRICS_PER_BATCH) {
      await this.tracking.logBatch(runId, metrics.slice(i, i + MAX_METRICS_PER_BATCH), i === 0 ? params : {}, i === 0 ? tags : {});
    }
  }

  /** The production model's test metrics on the same rows, when it takes the same features. */
  private async productionMetrics(spec: JobSpec, featureNames: string[], test: Part, classes: number[]): Promise<Record<string, number> | undefined> {
    const production = await this.clients.production(spec.modelName);
    if (!production) return undefined;
    const names = production.version.signature?.featureNames ?? [];
    if (names.join('\u0000') !== featureNames.join('\u0000')) {
      this.logger.warn('production model takes other features; gating without it', { model: spec.modelName, version: production.version.version });
      return undefined;
    }
    const session = await ort.InferenceSession.create(production.artifact);
    const input = new ort.Tensor('float32', Float32Array.from(test.X.data), [test.X.rows, test.X.cols]);
    const outputs = await session.run({ [session.inputNames[0]]: input });
    const scores: Scores = outputs.probabilities
      ? { probabilities: Array.from({ length: test.X.rows }, (_, i) => Float64Array.from((outputs.probabilities.data as Float32Array).subarray(i * classes.length, (i + 1) * classes.length))) }
      : { values: Float64Array.from(outputs.variable.data as Float32Array) };
    return evaluate(scores, test.y, classes);
  }
}

function better(metric: string, a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || Number.isNaN(a)) return false;
  if (b === undefined || Number.isNaN(b)) return true;
  return lowerIsBetter(metric) ? a < b : a > b;
}

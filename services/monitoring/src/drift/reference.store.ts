import { Inject, Injectable } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { firstValueFrom, toArray } from 'rxjs';
import { type features, registry } from '@mlops/contracts';
import { dataLoss } from '@mlops/errors';
import { type Sample, categoricalSample, numericSample, predictionOutput, rowPredictions } from '@mlops/ml';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { MONITORING_CONFIG, type MonitoringConfig } from '../config/monitoring.config';
import type { Reference } from './domain/evaluation';

/**
 * The reference of each model: the training snapshot of its production version (read from the
 * feature store, by the lineage the registry keeps), per feature the model takes, and the
 * production model's own predictions on those rows (run here in onnxruntime) for prediction
 * drift. Loaded once per production version; `forget` after the alias moves. Only one replica
 * receives an alias change (they share a consumer group), so every MONITORING_PRODUCTION_CHECK_SECONDS
 * each replica also asks the registry which version is in production and reloads when it moved.
 */
@Injectable()
export class ReferenceStore {
  private readonly references = new Map<string, Entry>();

  constructor(
    private readonly upstream: UpstreamClients,
    private readonly logger: JsonLogger,
    @Inject(MONITORING_CONFIG) private readonly config: MonitoringConfig,
  ) {}

  private get registry(): registry.RegistryServiceClient {
    return this.upstream.client('registry', 'mlops.registry.v1', 'mlops/registry/v1/registry.proto', 'RegistryService');
  }

  private get features(): features.FeatureStoreServiceClient {
    return this.upstream.client('feature-store', 'mlops.features.v1', 'mlops/features/v1/features.proto', 'FeatureStoreService');
  }

  /** False once it is known that the model has no reference (no production version, or one
   * without a training snapshot): its traffic can be skipped until the alias moves. */
  mayHave(model: string): boolean {
    const entry = this.references.get(model);
    if (entry) this.revalidateIfDue(model, entry);
    return entry?.resolved !== null;
  }

  /** The loaded reference, or undefined while it loads (a load is started) or when there is none. */
  current(model: string): Reference | undefined {
    const entry = this.references.get(model);
    if (!entry) {
      this.load(model);
      return undefined;
    }
    this.revalidateIfDue(model, entry);
    return entry.resolved ?? undefined;
  }

  get(model: string): Promise<Reference | undefined> {
    return (this.references.get(model) ?? this.load(model)).reference;
  }

  /** Once the check interval has passed: the entry is dropped if production moved (the next call reloads it). */
  private revalidateIfDue(model: string, entry: Entry): void {
    if (entry.resolved === undefined || entry.checking || Date.now() - entry.checkedAt < this.config.productionCheckSeconds * 1000) return;
    entry.checking = true;
    void this.productionVersion(model)
      .then((version) => {
        if (version !== (entry.resolved?.version ?? entry.version) && this.references.get(model) === entry) {
          this.references.delete(model);
          this.logger.info('production version moved: reference reloads', { model, from: entry.version ?? null, to: version ?? null });
        }
      })
      .catch(() => undefined)
      // Also after a failure: a registry that is down is asked again at the next interval, not per batch.
      .finally(() => ((entry.checking = false), (entry.checkedAt = Date.now())));
  }

  /** The production version of a model, undefined when it has none. */
  private async productionVersion(model: string): Promise<number | undefined> {
    try {
      return (await firstValueFrom(this.registry.getModelVersionByAlias({ modelName: model, alias: 'production' }))).version;
    } catch (error) {
      if ((error as { code?: number }).code === GrpcStatus.NOT_FOUND) return undefined;
      throw error;
    }
  }

  forget(model: string): void {
    this.references.delete(model);
  }

  private load(model: string): Entry {
    const entry: Entry = {
      checkedAt: Date.now(),
      reference: this.read(model, (version) => (entry.version = version)).then(
        (r) => ((entry.resolved = r ?? null), r),
        (error: unknown) => {
          // Tried again on the next request for it.
          this.references.delete(model);
          this.logger.warn('reference could not be loaded', { model, error: error instanceof Error ? error.message : String(error) });
          return undefined;
        },
      ),
    };
    this.references.set(model, entry);
    return entry;
  }

  private async read(model: string, found: (version: number) => void): Promise<Reference | undefined> {
    let version: registry.ModelVersion;
    try {
      version = await firstValueFrom(this.registry.getModelVersionByAlias({ modelName: model, alias: 'production' }));
    } catch (error) {
      if ((error as { code?: number }).code === GrpcStatus.NOT_FOUND) return undefined;
      throw error;
    }
    found(version.version);
    const snapshotId = version.lineage?.snapshotId;
    if (!snapshotId) {
      this.logger.info('production version has no training snapshot: no drift reference', { model, version: version.version });
      return undefined;
    }
    const snapshot = await callUpstream('feature-store', `snapshot ${snapshotId}`, () => firstValueFrom(this.features.getSnapshot({ snapshotId })));
    const all = await callUpstream('feature-store', `snapshot ${snapshotId}`, () => firstValueFrom(this.features.readSnapshot({ snapshotId }).pipe(toArray())));
    const rows = thin(all, this.config.referenceMaxRows);
    const names = version.signature?.featureNames?.length ? version.signature.featureNames : snapshot.featureNames;
    const columns = new Map<string, Sample>();
    const numericColumns: (Float64Array | undefined)[] = [];
    for (const name of names) {
      const index = snapshot.featureNames.indexOf(name);
      if (index < 0) {
        numericColumns.push(undefined);
        continue;
      }
      const values = rows.map((r) => r.values[index]);
      const numeric = values.every((v) => v?.numberValue !== undefined);
      const sample = numeric ? numericSample(values.map((v) => v.numberValue!)) : categoricalSample(values.map((v) => v?.stringValue ?? v?.numberValue));
      columns.set(name, sample);
      numericColumns.push(numeric ? Float64Array.from(values, (v) => v.numberValue!) : undefined);
    }
    const task = predictionOutput((version.signature?.outputs ?? []).map((o) => ({ name: o.name, datatype: o.datatype })))?.task ?? 'regression';
    const predictions = await this.referencePredictions(version, numericColumns, rows.length).catch((error: unknown) => {
      this.logger.warn('reference predictions could not be computed: no prediction drift', { model, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    });
    this.logger.info('drift reference loaded', { model, version: version.version, snapshotId, rows: rows.length, features: [...columns.keys()] });
    return {
      modelName: model,
      version: version.version,
      snapshotId,
      rows: rows.length,
      features: columns,
      predictions: predictions && (task === 'classification' ? categoricalSample(predictions) : numericSample(predictions)),
      task,
      metrics: version.metrics ?? {},
      classes: task === 'classification' && predictions ? [...new Set(predictions)].sort((a, b) => a - b) : [],
    };
  }

  /** The production model run on the reference rows, when it takes them as one [rows, features] float input. */
  private async referencePredictions(version: registry.ModelVersion, columns: (Float64Array | undefined)[], rows: number): Promise<number[] | undefined> {
    const inputs = version.signature?.inputs ?? [];
    const input = inputs[0];
    if (inputs.length !== 1 || !['FP32', 'FP64'].includes(input.datatype) || columns.some((c) => !c) || (input.shape?.[1] !== undefined && Number(input.shape[1]) !== columns.length)) return undefined;
    const chunks = await callUpstream('registry', `artifact ${version.artifactSha256}`, () => firstValueFrom(this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(toArray())));
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
    if (createHash('sha256').update(bytes).digest('hex') !== version.artifactSha256) throw dataLoss(`artifact ${version.artifactSha256} does not match its sha256`);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const output = predictionOutput((version.signature?.outputs ?? []).map((o) => ({ name: o.name, datatype: o.datatype })));
    if (!output) return undefined;
    const width = columns.length;
    const predictions: number[] = [];
    try {
      for (let start = 0; start < rows; start += 10_000) {
        const n = Math.min(10_000, rows - start);
        const data = input.datatype === 'FP32' ? new Float32Array(n * width) : new Float64Array(n * width);
        for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) data[i * width + j] = columns[j]![start + i];
        const result = await session.run({ [input.name]: new ort.Tensor(input.datatype === 'FP32' ? 'float32' : 'float64', data, [n, width]) });
        predictions.push(...rowPredictions(result[output.name] as unknown as { dims: readonly number[]; data: ArrayLike<unknown> }));
      }
    } finally {
      await session.release();
    }
    return predictions;
  }
}

interface Entry {
  reference: Promise<Reference | undefined>;
  /** The loaded reference; null when the model has none; undefined while it loads. */
  resolved?: Reference | null;
  /** The production version the entry was loaded for (also when it has no reference). */
  version?: number;
  checkedAt: number;
  checking?: boolean;
}

/** Every k-th row, so a large snapshot keeps its spread over time. */
function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const step = rows.length / max;
  return Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]);
}

import { Injectable } from '@nestjs/common';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { onnxModelAt, parseModelSource, type StoredArtifact } from './domain/artifact-paths';
import { type PlatformModel, type PlatformRun, type PlatformVersion, SOURCE_TAG, mlflowModelVersion, mlflowRegisteredModel } from './domain/entities';
import { invalidParameter } from './domain/mlflow-error';
import type { MlflowFields } from './domain/mlflow-fields';

const MAX_PAGE = 1000;
/** A run tag naming the feature-store snapshot the run trained on (examples/python/train.py sets it). */
export const SNAPSHOT_TAG = 'mlops.snapshot_id';

/**
 * MLflow's model registry API on the platform's registry: one RegistryService call per MLflow
 * call, with the caller's token. A version registered here is a platform version like any
 * other: its ONNX artifact (uploaded to the run's artifacts first) is verified and its signature
 * read by the registry, its lineage names the run, and its registration event starts the
 * model's deployment policy (a canary by default).
 */
@Injectable()
export class MlflowRegistryService {
  constructor(private readonly api: PlatformApi) {}

  async createModel(caller: Caller, f: MlflowFields) {
    const model = await this.registry<PlatformModel>(caller, 'CreateRegisteredModel', { name: f.required('name', 200), description: f.text('description', 5000), tags: f.tags('tags', 100, 5000) });
    return { registered_model: mlflowRegisteredModel(model) };
  }

  async getModel(caller: Caller, f: MlflowFields) {
    const model = await this.registry<PlatformModel>(caller, 'GetRegisteredModel', { name: f.required('name', 200) });
    const latest = model.latestVersion ? await this.registry<PlatformVersion>(caller, 'GetModelVersion', { modelName: model.name, version: model.latestVersion }) : undefined;
    return { registered_model: mlflowRegisteredModel(model, latest) };
  }

  async updateModel(caller: Caller, f: MlflowFields) {
    const model = await this.registry<PlatformModel>(caller, 'UpdateRegisteredModel', { name: f.required('name', 200), description: f.text('description', 5000) });
    return { registered_model: mlflowRegisteredModel(model) };
  }

  async renameModel(caller: Caller, f: MlflowFields) {
    const model = await this.registry<PlatformModel>(caller, 'RenameRegisteredModel', { name: f.required('name', 200), newName: f.required('new_name', 200) });
    return { registered_model: mlflowRegisteredModel(model) };
  }

  async deleteModel(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'DeleteRegisteredModel', { name: f.required('name', 200) });
    return {};
  }

  async searchModels(caller: Caller, f: MlflowFields) {
    const page = await this.registry<{ models: PlatformModel[]; nextPageToken: string }>(caller, 'SearchRegisteredModels', this.searchRequest(f, 100));
    return { registered_models: page.models.map((m) => mlflowRegisteredModel(m)), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }

  /** MLflow's stages are deprecated and the platform has none: every version is in stage "None"; the newest is its latest. */
  async latestVersions(caller: Caller, f: MlflowFields) {
    const model = await this.registry<PlatformModel>(caller, 'GetRegisteredModel', { name: f.required('name', 200) });
    const stages = f.strings('stages', 10).map((s) => s.toLowerCase());
    if (!model.latestVersion || (stages.length && !stages.includes('none'))) return { model_versions: [] };
    return { model_versions: [mlflowModelVersion(await this.registry<PlatformVersion>(caller, 'GetModelVersion', { modelName: model.name, version: model.latestVersion }))] };
  }

  async setModelTag(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'SetRegisteredModelTag', { name: f.required('name', 200), key: f.required('key', 250), value: f.text('value', 5000) });
    return {};
  }

  async deleteModelTag(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'DeleteRegisteredModelTag', { name: f.required('name', 200), key: f.required('key', 250) });
    return {};
  }

  async setAlias(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'SetAlias', { modelName: f.required('name', 200), alias: f.required('alias', 100), version: versionOf(f), reason: 'set through the MLflow API' });
    return {};
  }

  async deleteAlias(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'DeleteAlias', { modelName: f.required('name', 200), alias: f.required('alias', 100), reason: 'deleted through the MLflow API' });
    return {};
  }

  async versionByAlias(caller: Caller, f: MlflowFields) {
    const version = await this.registry<PlatformVersion>(caller, 'GetModelVersionByAlias', { modelName: f.required('name', 200), alias: f.required('alias', 100) });
    return { model_version: mlflowModelVersion(version) };
  }

  /** Registers the ONNX model under the version's source (a run's artifacts) as a platform version with the run's lineage. */
  async createVersion(caller: Caller, f: MlflowFields) {
    const name = f.required('name', 200);
    const source = f.required('source', 1000);
    const { runId: sourceRun, path } = parseModelSource(source);
    const runId = f.text('run_id', 64) || sourceRun;
    if (runId !== sourceRun) throw invalidParameter(`run_id "${runId}" is not the run of source "${source}"`);
    // MLflow needs the registered model first; the platform's CreateModelVersion would make one.
    await this.registry(caller, 'GetRegisteredModel', { name });
    const run = await this.training<PlatformRun & { artifacts: StoredArtifact[] }>(caller, 'GetRun', { runId });
    const onnx = onnxModelAt(run.artifacts, path, source);
    const version = await this.registry<PlatformVersion>(caller, 'CreateModelVersion', {
      modelName: name,
      artifactSha256: onnx.sha256,
      lineage: { runId, source: 'mlflow', ...(await this.snapshotLineage(caller, run.tags[SNAPSHOT_TAG])) },
      description: f.text('description', 5000),
      tags: { ...f.tags('tags', 100, 5000), [SOURCE_TAG]: source },
      metrics: run.metrics,
    });
    return { model_version: mlflowModelVersion(version) };
  }

  async getVersion(caller: Caller, f: MlflowFields) {
    return { model_version: mlflowModelVersion(await this.registry<PlatformVersion>(caller, 'GetModelVersion', { modelName: f.required('name', 200), version: versionOf(f) })) };
  }

  async updateVersion(caller: Caller, f: MlflowFields) {
    const version = await this.registry<PlatformVersion>(caller, 'UpdateModelVersion', { modelName: f.required('name', 200), version: versionOf(f), description: f.text('description', 5000) });
    return { model_version: mlflowModelVersion(version) };
  }

  async searchVersions(caller: Caller, f: MlflowFields) {
    const page = await this.registry<{ versions: PlatformVersion[]; nextPageToken: string }>(caller, 'SearchModelVersions', this.searchRequest(f, 10_000));
    return { model_versions: page.versions.map(mlflowModelVersion), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }

  async setVersionTag(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'SetModelVersionTag', { modelName: f.required('name', 200), version: versionOf(f), key: f.required('key', 250), value: f.text('value', 5000) });
    return {};
  }

  async deleteVersionTag(caller: Caller, f: MlflowFields) {
    await this.registry(caller, 'DeleteModelVersionTag', { modelName: f.required('name', 200), version: versionOf(f), key: f.required('key', 250) });
    return {};
  }

  async downloadUri(caller: Caller, f: MlflowFields) {
    const version = await this.registry<PlatformVersion>(caller, 'GetModelVersion', { modelName: f.required('name', 200), version: versionOf(f) });
    return { artifact_uri: mlflowModelVersion(version).source };
  }

  /**
   * The data a run trained on, when its `mlops.snapshot_id` tag names a feature-store snapshot:
   * the version's lineage then reaches the dataset version, and monitoring's drift reference
   * (the production version's snapshot) works for models trained outside the platform too.
   */
  private async snapshotLineage(caller: Caller, snapshotId: string | undefined) {
    if (!snapshotId) return {};
    const s = await this.api.call<{ snapshotId: string; featureView: string; featureViewVersion: number; dataset: string; datasetVersion: number; datasetContentHash: string }>(caller, 'featureStore', 'GetSnapshot', { snapshotId });
    return { snapshotId: s.snapshotId, featureView: s.featureView, featureViewVersion: s.featureViewVersion, dataset: s.dataset, datasetVersion: s.datasetVersion, datasetContentHash: s.datasetContentHash };
  }

  private searchRequest(f: MlflowFields, defaultPage: number) {
    return {
      filter: f.text('filter', 4000),
      orderBy: f.strings('order_by', 10),
      maxResults: Math.min(f.integer('max_results', defaultPage, { min: 1, max: 200_000 }), MAX_PAGE),
      pageToken: f.text('page_token', 2000),
    };
  }

  private registry<T = unknown>(caller: Caller, method: string, request: object): Promise<T> {
    return this.api.call<T>(caller, 'registry', method, request);
  }

  private training<T>(caller: Caller, method: string, request: object): Promise<T> {
    return this.api.call<T>(caller, 'training', method, request);
  }
}

/** MLflow sends version numbers as strings ("3"). */
function versionOf(f: MlflowFields): number {
  if (!f.has('version')) throw invalidParameter("Missing value for required parameter 'version'.");
  return f.integer('version', 0, { min: 1, max: 2_147_483_647 });
}

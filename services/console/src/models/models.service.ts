import { Injectable } from '@nestjs/common';
import type { Wire } from '@mlops/client';
import type { features, ingestion, registry, serving, training } from '@mlops/contracts';
import { optionalText, requiredText, requiredVersion } from '../upstream/body';
import { unlessNotFound } from '../upstream/optional';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { type Page, nameMatches, pageOf } from '../upstream/query';
import { type LineageGraph, lineageGraph } from './domain/lineage';

type Model = Wire<registry.RegisteredModel>;
type Version = Wire<registry.ModelVersion>;
type Deployment = Wire<serving.Deployment>;

/** A version with no lineage record (uploaded by hand). */
const NO_LINEAGE: Wire<registry.Lineage> = { runId: '', jobId: '', snapshotId: '', featureView: '', featureViewVersion: 0, dataset: '', datasetVersion: 0, datasetContentHash: '', source: '' };

export interface ModelDetail {
  model: Model;
  versions: Version[];
  approvals: Wire<registry.Approval>[];
  deploymentPolicy: Wire<serving.DeploymentPolicy>;
  deployments: Deployment[];
}

export interface VersionDetail {
  version: Version;
  lineage: LineageGraph;
  productionVersionAtRegistration: number;
  approvals: Wire<registry.Approval>[];
}

/** The Models pages: registered models, their versions, lineage, approvals and policies; alias moves and approvals. */
@Injectable()
export class ModelsService {
  constructor(private readonly api: PlatformApi) {}

  async list(caller: Caller, query: string, page: number, pageSize: number): Promise<Page<Model>> {
    // The page sorts by creation time, so it reads every model: 1,000 a call, at most 10 calls.
    const models: Wire<registry.ListRegisteredModelsResponse>['models'] = [];
    for (let pageToken = '', calls = 0; calls < 10; calls++) {
      const part = await this.api.call<Wire<registry.ListRegisteredModelsResponse>>(caller, 'registry', 'ListRegisteredModels', { limit: 1000, pageToken });
      models.push(...part.models);
      if (!(pageToken = part.nextPageToken)) break;
    }
    return pageOf(models.filter((m) => nameMatches(m.name, query)).sort((a, b) => b.createdAtMs - a.createdAtMs || a.name.localeCompare(b.name)), page, pageSize);
  }

  async get(caller: Caller, name: string): Promise<ModelDetail> {
    const [model, { versions }, approvals, deploymentPolicy, { deployments }] = await Promise.all([
      this.api.call<Model>(caller, 'registry', 'GetRegisteredModel', { name }),
      // One page: a model's first 1,000 versions (the detail page shows no more).
      this.api.call<Wire<registry.ListModelVersionsResponse>>(caller, 'registry', 'ListModelVersions', { modelName: name, limit: 1000 }),
      this.api.callAllPages(caller, 'registry', 'ListApprovals', { modelName: name }, (r: Wire<registry.ListApprovalsResponse>) => r.approvals),
      this.api.call<Wire<serving.DeploymentPolicy>>(caller, 'deployments', 'GetDeploymentPolicy', { modelName: name }),
      this.api.call<Wire<serving.ListDeploymentsResponse>>(caller, 'deployments', 'ListDeployments', { modelName: name, limit: 20 }),
    ]);
    return { model, versions: [...versions].sort((a, b) => b.version - a.version), approvals, deploymentPolicy, deployments };
  }

  async version(caller: Caller, name: string, version: number): Promise<VersionDetail> {
    const [lineage, approvals] = await Promise.all([
      this.api.call<Wire<registry.LineageResponse>>(caller, 'registry', 'GetLineage', { modelName: name, version }),
      this.api.callAllPages(caller, 'registry', 'ListApprovals', { modelName: name }, (r: Wire<registry.ListApprovalsResponse>) => r.approvals),
    ]);
    const l = lineage.lineage ?? lineage.version?.lineage ?? NO_LINEAGE;
    const [datasetVersion, snapshot, run, deployments] = await Promise.all([
      l.dataset && l.datasetVersion ? unlessNotFound(this.api.call<Wire<ingestion.DatasetVersion>>(caller, 'ingestion', 'GetDatasetVersion', { dataset: l.dataset, version: l.datasetVersion })) : undefined,
      l.snapshotId ? unlessNotFound(this.api.call<Wire<features.Snapshot>>(caller, 'featureStore', 'GetSnapshot', { snapshotId: l.snapshotId })) : undefined,
      l.runId ? unlessNotFound(this.api.call<Wire<training.Run>>(caller, 'training', 'GetRun', { runId: l.runId })) : undefined,
      this.deploymentsOf(caller, name, version),
    ]);
    return {
      version: lineage.version!,
      productionVersionAtRegistration: lineage.productionVersionAtRegistration,
      approvals: approvals.filter((a) => a.version === version),
      lineage: lineageGraph({ modelName: name, version, lineage: l, datasetVersion, snapshot, run, deployments }),
    };
  }

  setAlias(caller: Caller, name: string, body: { alias?: unknown; version?: unknown; reason?: unknown }): Promise<Version> {
    const alias = requiredText(body.alias, 'alias');
    const version = requiredVersion(body.version);
    return this.api.call<Version>(caller, 'registry', 'SetAlias', { modelName: name, alias, version, reason: optionalText(body.reason, 'reason') });
  }

  approve(caller: Caller, name: string, version: number, body: { alias?: unknown; reason?: unknown }): Promise<Wire<registry.Approval>> {
    return this.api.call(caller, 'registry', 'ApproveVersion', { modelName: name, version, alias: requiredText(body.alias ?? 'production', 'alias'), reason: optionalText(body.reason, 'reason') });
  }

  /** The version's rollouts: deployments of the model with it as the candidate (the latest 200 looked at). */
  private async deploymentsOf(caller: Caller, name: string, version: number): Promise<Deployment[]> {
    const { deployments } = await this.api.call<Wire<serving.ListDeploymentsResponse>>(caller, 'deployments', 'ListDeployments', { modelName: name, limit: 200 });
    return deployments.filter((d) => d.candidateVersion === version);
  }
}

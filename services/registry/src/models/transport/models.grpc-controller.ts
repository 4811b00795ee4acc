import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { registry } from '@mlops/contracts';
import type { Lineage } from '../domain/model';
import { ModelAnnotationsService } from '../model-annotations.service';
import { ModelSearchService } from '../model-search.service';
import { ModelsService } from '../models.service';
import { toApprovalMessage, toLineage, toModelMessage, toPolicy, toVersionMessage } from './model.mapper';
import { principalOf, requireRole } from '@mlops/nest-platform';

@Controller()
export class ModelsGrpcController {
  constructor(
    private readonly models: ModelsService,
    private readonly annotations: ModelAnnotationsService,
    private readonly search: ModelSearchService,
  ) {}

  @GrpcMethod('RegistryService', 'CreateRegisteredModel')
  async createRegisteredModel(r: registry.CreateRegisteredModelRequest, md: Metadata): Promise<registry.RegisteredModel> {
    const policy = toPolicy(r.promotionPolicy) ?? 'automatic';
    return toModelMessage(await this.models.createModel(principalOf(md), { name: r.name, description: r.description, tags: r.tags ?? {}, promotionPolicy: policy }));
  }

  @GrpcMethod('RegistryService', 'GetRegisteredModel')
  async getRegisteredModel(r: registry.GetRegisteredModelRequest): Promise<registry.RegisteredModel> {
    return toModelMessage(await this.models.getModel(r.name));
  }

  @GrpcMethod('RegistryService', 'ListRegisteredModels')
  async listRegisteredModels(r: registry.ListRegisteredModelsRequest): Promise<registry.ListRegisteredModelsResponse> {
    const { models, nextPageToken } = await this.models.listModels(r.limit ?? 0, r.pageToken ?? '');
    return { models: models.map(toModelMessage), nextPageToken };
  }

  @GrpcMethod('RegistryService', 'UpdateRegisteredModel')
  async updateRegisteredModel(r: registry.UpdateRegisteredModelRequest, md: Metadata): Promise<registry.RegisteredModel> {
    // The promotion policy decides whether production needs an approval: only approvers change it.
    if (toPolicy(r.promotionPolicy) !== undefined) requireRole(md, 'approver', 'change the promotion policy of a model');
    return toModelMessage(await this.models.updateModel(principalOf(md), r.name, { description: r.description, tags: r.tags ?? {}, promotionPolicy: toPolicy(r.promotionPolicy) }));
  }

  @GrpcMethod('RegistryService', 'RenameRegisteredModel')
  async renameRegisteredModel(r: registry.RenameRegisteredModelRequest, md: Metadata): Promise<registry.RegisteredModel> {
    return toModelMessage(await this.models.renameModel(principalOf(md), r.name, r.newName));
  }

  @GrpcMethod('RegistryService', 'DeleteRegisteredModel')
  async deleteRegisteredModel(r: registry.DeleteRegisteredModelRequest, md: Metadata): Promise<registry.DeleteRegisteredModelResponse> {
    return this.models.deleteModel(principalOf(md), r.name);
  }

  @GrpcMethod('RegistryService', 'SetRegisteredModelTag')
  async setRegisteredModelTag(r: registry.SetRegisteredModelTagRequest, md: Metadata): Promise<registry.RegisteredModel> {
    return toModelMessage(await this.annotations.setModelTag(principalOf(md), r.name, r.key, r.value));
  }

  @GrpcMethod('RegistryService', 'DeleteRegisteredModelTag')
  async deleteRegisteredModelTag(r: registry.DeleteRegisteredModelTagRequest, md: Metadata): Promise<registry.RegisteredModel> {
    return toModelMessage(await this.annotations.deleteModelTag(principalOf(md), r.name, r.key));
  }

  @GrpcMethod('RegistryService', 'SearchRegisteredModels')
  async searchRegisteredModels(r: registry.SearchRegisteredModelsRequest): Promise<registry.SearchRegisteredModelsResponse> {
    const { models, nextPageToken } = await this.search.searchModels({ filter: r.filter, orderBy: r.orderBy ?? [], maxResults: r.maxResults, pageToken: r.pageToken });
    return { models: models.map(toModelMessage), nextPageToken };
  }

  @GrpcMethod('RegistryService', 'CreateModelVersion')
  async createModelVersion(r: registry.CreateModelVersionRequest, md: Metadata): Promise<registry.ModelVersion> {
    const version = await this.models.createVersion(principalOf(md), {
      modelName: r.modelName,
      artifactSha256: r.artifactSha256,
      lineage: toLineage(r.lineage, r.lineage?.runId ? 'training' : ((r.lineage?.source as Lineage['source']) || 'upload')),
      metrics: r.metrics ?? {},
      description: r.description,
      tags: r.tags ?? {},
      featureNames: r.featureNames ?? [],
      idempotencyKey: r.idempotencyKey,
    });
    return toVersionMessage(version);
  }

  @GrpcMethod('RegistryService', 'GetModelVersion')
  async getModelVersion(r: registry.GetModelVersionRequest): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.models.getVersion(r.modelName, r.version));
  }

  @GrpcMethod('RegistryService', 'GetModelVersionByAlias')
  async getModelVersionByAlias(r: registry.GetModelVersionByAliasRequest): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.models.getByAlias(r.modelName, r.alias));
  }

  @GrpcMethod('RegistryService', 'ListModelVersions')
  async listModelVersions(r: registry.ListModelVersionsRequest): Promise<registry.ListModelVersionsResponse> {
    const { versions, nextPageToken } = await this.models.listVersions(r.modelName, r.limit ?? 0, r.pageToken ?? '');
    return { versions: versions.map(toVersionMessage), nextPageToken };
  }

  @GrpcMethod('RegistryService', 'UpdateModelVersion')
  async updateModelVersion(r: registry.UpdateModelVersionRequest, md: Metadata): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.annotations.updateVersion(principalOf(md), r.modelName, r.version, r.description));
  }

  @GrpcMethod('RegistryService', 'SetModelVersionTag')
  async setModelVersionTag(r: registry.SetModelVersionTagRequest, md: Metadata): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.annotations.setVersionTag(principalOf(md), r.modelName, r.version, r.key, r.value));
  }

  @GrpcMethod('RegistryService', 'DeleteModelVersionTag')
  async deleteModelVersionTag(r: registry.DeleteModelVersionTagRequest, md: Metadata): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.annotations.deleteVersionTag(principalOf(md), r.modelName, r.version, r.key));
  }

  @GrpcMethod('RegistryService', 'SearchModelVersions')
  async searchModelVersions(r: registry.SearchModelVersionsRequest): Promise<registry.SearchModelVersionsResponse> {
    const { versions, nextPageToken } = await this.search.searchVersions({ filter: r.filter, orderBy: r.orderBy ?? [], maxResults: r.maxResults, pageToken: r.pageToken });
    return { versions: versions.map(toVersionMessage), nextPageToken };
  }

  @GrpcMethod('RegistryService', 'SetAlias')
  async setAlias(r: registry.SetAliasRequest, md: Metadata): Promise<registry.ModelVersion> {
    return toVersionMessage(await this.models.setAlias(principalOf(md), r.modelName, r.alias, r.version, r.reason));
  }

  @GrpcMethod('RegistryService', 'DeleteAlias')
  async deleteAlias(r: registry.DeleteAliasRequest, md: Metadata): Promise<registry.RegisteredModel> {
    return toModelMessage(await this.models.deleteAlias(principalOf(md), r.modelName, r.alias, r.reason));
  }

  @GrpcMethod('RegistryService', 'ApproveVersion')
  async approveVersion(r: registry.ApproveVersionRequest, md: Metadata): Promise<registry.Approval> {
    const a = await this.models.approve(principalOf(md), r.modelName, r.version, r.alias || 'production', r.reason);
    return toApprovalMessage(a);
  }

  @GrpcMethod('RegistryService', 'ListApprovals')
  async listApprovals(r: registry.ListApprovalsRequest): Promise<registry.ListApprovalsResponse> {
    const { approvals, nextPageToken } = await this.models.listApprovals(r.modelName, r.limit, r.pageToken);
    return { approvals: approvals.map(toApprovalMessage), nextPageToken };
  }

  @GrpcMethod('RegistryService', 'GetLineage')
  async getLineage(r: registry.GetLineageRequest): Promise<registry.LineageResponse> {
    const version = await this.models.getVersion(r.modelName, r.version);
    const message = toVersionMessage(version);
    const atRegistration = (version.lineage as Lineage & { productionVersionAtRegistration?: number }).productionVersionAtRegistration ?? 0;
    return { version: message, lineage: message.lineage, productionVersionAtRegistration: atRegistration };
  }
}

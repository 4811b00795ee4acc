import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { registry } from '@mlops/contracts';
import type { Lineage } from '../domain/model';
import { ModelsService } from '../models.service';
import { toApprovalMessage, toLineage, toModelMessage, toPolicy, toVersionMessage } from './model.mapper';
import { principalOf, requireRole } from '@mlops/nest-platform';

@Controller()
export class ModelsGrpcController {
  constructor(private readonly models: ModelsService) {}

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
  async listRegisteredModels(): Promise<registry.ListRegisteredModelsResponse> {
    return { models: (await this.models.listModels()).map(toModelMessage) };
  }

  @GrpcMethod('RegistryService', 'UpdateRegisteredModel')
  async updateRegisteredModel(r: registry.UpdateRegisteredModelRequest, md: Metadata): Promise<registry.RegisteredModel> {
    // The promotion policy decides whether production needs an approval: only approvers change it.
    if (toPolicy(r.promotionPolicy) !== undefined) requireRole(md, 'approver', 'change the promotion policy of a model');
    return toModelMessage(await this.models.updateModel(principalOf(md), r.name, { description: r.description, tags: r.tags ?? {}, promotionPolicy: toPolicy(r.promotionPolicy) }));
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
    return { versions: (await this.models.listVersions(r.modelName)).map(toVersionMessage) };
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
    return { approvals: (await this.models.listApprovals(r.modelName)).map(toApprovalMessage) };
  }

  @GrpcMethod('RegistryService', 'GetLineage')
  async getLineage(r: registry.GetLineageRequest): Promise<registry.LineageResponse> {
    const version = await this.models.getVersion(r.modelName, r.version);
    const message = toVersionMessage(version);
    const atRegistration = (version.lineage as Lineage & { productionVersionAtRegistration?: number }).productionVersionAtRegistration ?? 0;
    return { version: message, lineage: message.lineage, productionVersionAtRegistration: atRegistration };
  }
}

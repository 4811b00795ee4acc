import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { AuditRepository } from '../audit/audit.repository';
import { MAX_DESCRIPTION, type ModelVersion, type RegisteredModel, tagCountProblem, tagProblem } from './domain/model';
import { ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

/**
 * Descriptions and tags of models and versions, one at a time (MLflow's set-tag, delete-tag
 * and update calls). Each change is written with its audit record in one transaction, under the
 * row's lock so that concurrent tag changes never lose one another. They move no alias and
 * register nothing, so, like UpdateRegisteredModel, they publish no event.
 */
@Injectable()
export class ModelAnnotationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ModelsRepository,
    private readonly audit: AuditRepository,
    private readonly models: ModelsService,
  ) {}

  async setModelTag(actor: string, name: string, key: string, value: string): Promise<RegisteredModel> {
    const problem = tagProblem(key, value);
    if (problem) throw invalidArgument(problem);
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockModel(manager, name);
      const full = tagCountProblem(`model "${name}"`, model.tags, key);
      if (full) throw failedPrecondition(full);
      await this.repository.setModelTag(manager, name, key, value);
      await this.audit.append(manager, actor, 'model.tag.set', name, { key, value, previous: model.tags[key] ?? null });
    });
    return this.models.getModel(name);
  }

  async deleteModelTag(actor: string, name: string, key: string): Promise<RegisteredModel> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockModel(manager, name);
      if (!(key in model.tags)) throw notFound(`model "${name}" has no tag "${key}"`);
      await this.repository.setModelTag(manager, name, key, undefined);
      await this.audit.append(manager, actor, 'model.tag.delete', name, { key, previous: model.tags[key] });
    });
    return this.models.getModel(name);
  }

  /** A new description; an empty one keeps the current (as UpdateRegisteredModel does). */
  async updateVersion(actor: string, name: string, version: number, description: string): Promise<ModelVersion> {
    if (description.length > MAX_DESCRIPTION) throw invalidArgument(`description is longer than ${MAX_DESCRIPTION} characters`);
    await this.dataSource.transaction(async (manager) => {
      await this.lockVersion(manager, name, version);
      if (!description) return;
      await this.repository.updateVersionDescription(manager, name, version, description);
      await this.audit.append(manager, actor, 'version.update', name, { version, description });
    });
    return this.models.getVersion(name, version);
  }

  async setVersionTag(actor: string, name: string, version: number, key: string, value: string): Promise<ModelVersion> {
    const problem = tagProblem(key, value);
    if (problem) throw invalidArgument(problem);
    await this.dataSource.transaction(async (manager) => {
      const tags = await this.lockVersion(manager, name, version);
      const full = tagCountProblem(`version ${version} of "${name}"`, tags, key);
      if (full) throw failedPrecondition(full);
      await this.repository.setVersionTag(manager, name, version, key, value);
      await this.audit.append(manager, actor, 'version.tag.set', name, { version, key, value, previous: tags[key] ?? null });
    });
    return this.models.getVersion(name, version);
  }

  async deleteVersionTag(actor: string, name: string, version: number, key: string): Promise<ModelVersion> {
    await this.dataSource.transaction(async (manager) => {
      const tags = await this.lockVersion(manager, name, version);
      if (!(key in tags)) throw notFound(`version ${version} of "${name}" has no tag "${key}"`);
      await this.repository.setVersionTag(manager, name, version, key, undefined);
      await this.audit.append(manager, actor, 'version.tag.delete', name, { version, key, previous: tags[key] });
    });
    return this.models.getVersion(name, version);
  }

  private async lockModel(manager: EntityManager, name: string): Promise<RegisteredModel> {
    const model = await this.repository.findModel(name, manager, true);
    if (!model) throw notFound(`model "${name}" does not exist`);
    return model;
  }

  /** The version's tags, its row locked; version 0 ("the latest" when reading) names no version to change. */
  private async lockVersion(manager: EntityManager, name: string, version: number): Promise<Record<string, string>> {
    if (!Number.isInteger(version) || version < 1) throw invalidArgument(`version must be 1 or more, got ${version}`);
    const tags = await this.repository.lockVersionTags(manager, name, version);
    if (!tags) throw notFound(`model "${name}" has no version ${version}`);
    return tags;
  }
}

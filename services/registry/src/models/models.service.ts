import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { LIST_PAGE_MAX, idOfToken, idToken, keysetOfToken, keysetToken, pageFrom, pageSize, textOfToken, textToken } from '@mlops/persistence';
import { Outbox, OutboxRelay } from '@mlops/messaging';
import { readSignature } from '@mlops/ml';
import { JsonLogger } from '@mlops/observability';
import { AuditRepository } from '../audit/audit.repository';
import { ARTIFACT_STORE } from '../artifacts/artifacts.tokens';
import { ArtifactCorruptError, ArtifactMissingError, type ArtifactStore } from '../artifacts/artifact-store';
import { type Approval, type Lineage, type ModelVersion, PRODUCTION, type PromotionPolicy, type RegisteredModel, type Signature, aliasProblem, nameProblem } from './domain/model';
import { ModelsRepository } from './models.repository';

const UNIQUE_VIOLATION = '23505';

export interface NewVersion {
  modelName: string;
  artifactSha256: string;
  lineage: Lineage;
  metrics: Record<string, number>;
  description: string;
  tags: Record<string, string>;
  featureNames: string[];
  idempotencyKey: string;
  /** When the artifact is not in the store: refuse the request (default), or record a FAILED
   * version (an event about a run whose artifact is gone: the run stays visible). */
  onMissingArtifact?: 'reject' | 'fail';
}

/**
 * Registered models, versions, aliases and approvals. Every change is written with its audit
 * record and its event in one transaction; a version is registered whole or not at all.
 */
@Injectable()
export class ModelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ModelsRepository,
    private readonly audit: AuditRepository,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
  ) {}

  async createModel(actor: string, spec: Pick<RegisteredModel, 'name' | 'description' | 'tags' | 'promotionPolicy'>): Promise<RegisteredModel> {
    const problem = nameProblem('model', spec.name);
    if (problem) throw invalidArgument(problem);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.insertModel(manager, spec))) throw alreadyExists(`model "${spec.name}" already exists`);
      await this.audit.append(manager, actor, 'model.create', spec.name, { policy: spec.promotionPolicy });
    });
    return this.getModel(spec.name);
  }

  async updateModel(actor: string, name: string, change: { description: string; tags: Record<string, string>; promotionPolicy?: PromotionPolicy }): Promise<RegisteredModel> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.repository.findModel(name, manager, true);
      if (!model) throw notFound(`model "${name}" does not exist`);
      const tags = { ...model.tags, ...change.tags };
      for (const [key, value] of Object.entries(change.tags)) if (value === '') delete tags[key];
      const next = { name, description: change.description || model.description, tags, promotionPolicy: change.promotionPolicy ?? model.promotionPolicy };
      await this.repository.updateModel(manager, next);
      await this.audit.append(manager, actor, 'model.update', name, { description: next.description, tags, policy: next.promotionPolicy });
    });
    return this.getModel(name);
  }

  /** Renames a model: versions, aliases and approvals follow; each alias is announced gone from the old name and set on the new. */
  async renameModel(actor: string, name: string, newName: string): Promise<RegisteredModel> {
    const problem = nameProblem('model', newName);
    if (problem) throw invalidArgument(problem);
    await this.dataSource.transaction(async (manager) => {
      const model = await this.repository.findModel(name, manager, true);
      if (!model) throw notFound(`model "${name}" does not exist`);
      if (await this.repository.findModel(newName, manager)) throw alreadyExists(`model "${newName}" already exists`);
      try {
        await this.repository.renameModel(manager, name, newName);
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw alreadyExists(`model "${newName}" was created meanwhile`);
        throw error;
      }
      await this.audit.append(manager, actor, 'model.rename', newName, { from: name, to: newName, aliases: model.aliases });
      for (const [alias, version] of Object.entries(model.aliases)) {
        await this.outbox.enqueue(manager, Topics.aliasChanged, { modelName: name, alias, version: 0, previousVersion: version, changedBy: actor }, { key: name });
        await this.outbox.enqueue(manager, Topics.aliasChanged, { modelName: newName, alias, version, previousVersion: 0, changedBy: actor }, { key: newName });
      }
    });
    this.relay.nudge();
    this.logger.info('model renamed', { model: name, newName });
    return this.getModel(newName);
  }

  /**
   * Deletes a model with its versions, aliases and approvals (MLflow's semantics; the audit log
   * keeps its history, the artifact store its content-addressed files). Refused while the model
   * has a production alias: serving answers the model's traffic with that version, and every
   * rollout's stable version is it, so the alias must be removed (by an approver) first.
   */
  async deleteModel(actor: string, name: string): Promise<{ versionsDeleted: number }> {
    const versionsDeleted = await this.dataSource.transaction(async (manager) => {
      const model = await this.repository.findModel(name, manager, true);
      if (!model) throw notFound(`model "${name}" does not exist`);
      const production = model.aliases[PRODUCTION];
      if (production) throw failedPrecondition(`model "${name}" serves traffic: its ${PRODUCTION} alias points at version ${production}; delete the alias first`);
      const deleted = await this.repository.deleteModel(manager, name);
      await this.audit.append(manager, actor, 'model.delete', name, { versions: deleted, aliases: model.aliases });
      for (const [alias, version] of Object.entries(model.aliases)) {
        await this.outbox.enqueue(manager, Topics.aliasChanged, { modelName: name, alias, version: 0, previousVersion: version, changedBy: actor }, { key: name });
      }
      return deleted;
    });
    this.relay.nudge();
    this.logger.info('model deleted', { model: name, versions: versionsDeleted });
    return { versionsDeleted };
  }

  async getModel(name: string): Promise<RegisteredModel> {
    const model = await this.repository.findModel(name);
    if (!model) throw notFound(`model "${name}" does not exist`);
    return model;
  }

  /** A page of the registered models by name (at most LIST_PAGE_MAX). */
  async listModels(limit = 0, pageToken = ''): Promise<{ models: RegisteredModel[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const { page, nextPageToken } = pageFrom(await this.repository.listModels(size + 1, textOfToken(pageToken, /.{1,300}/s)), size, (last) => textToken(last.name));
    return { models: page, nextPageToken };
  }

  /**
   * Registers a version; the same idempotency key returns the version made the first time. With
   * `within`, everything runs in that transaction (an event handler's, whose processed-event
   * marker then commits with the version: one transaction and one connection per event).
   */
  async createVersion(actor: string, input: NewVersion, within?: EntityManager): Promise<ModelVersion> {
    const problem = nameProblem('model', input.modelName);
    if (problem) throw invalidArgument(problem);
    if (input.idempotencyKey) {
      const existing = await this.repository.findVersionByKey(input.idempotencyKey, within);
      if (existing && existing.modelName !== input.modelName) {
        throw alreadyExists(`idempotency key "${input.idempotencyKey}" was used for model "${existing.modelName}"`);
      }
      if (existing) return existing;
    }
    const inspected = await this.inspect(input.artifactSha256, input.featureNames, input.onMissingArtifact ?? 'reject');
    const register = async (manager: EntityManager) => {
      const model = await this.lockOrCreateModel(manager, actor, input.modelName);
      const version = await this.repository.nextVersion(manager, model.name);
      const lineage = { ...input.lineage, productionVersionAtRegistration: model.aliases[PRODUCTION] ?? 0 };
      const { onMissingArtifact: _m, ...fields } = input;
      const row = { ...fields, ...inspected, lineage, version };
      await this.repository.insertVersion(manager, row, input.idempotencyKey || null);
      await this.audit.append(manager, actor, 'version.create', model.name, { version, status: row.status, artifact: input.artifactSha256, source: input.lineage.source, runId: input.lineage.runId });
      if (row.status === 'ready') {
        await this.outbox.enqueue(manager, Topics.modelVersionRegistered, { modelName: model.name, version, artifactSha256: input.artifactSha256, runId: input.lineage.runId }, { key: model.name });
      }
      return version;
    };
    const created = within ? await register(within) : await this.dataSource.transaction(register);
    if (!within) this.relay.nudge();
    const version = (await this.repository.findVersion(input.modelName, created, within))!;
    this.logger.info('model version registered', { model: input.modelName, version: created, status: version.status });
    return version;
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    const found = await this.repository.findVersion(name, version);
    if (!found) throw notFound(version > 0 ? `model "${name}" has no version ${version}` : `model "${name}" has no versions`);
    return found;
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    const model = await this.getModel(name);
    const version = model.aliases[alias];
    if (!version) throw notFound(`model "${name}" has no alias "${alias}"`);
    return this.getVersion(name, version);
  }

  /** A page of a model's versions, oldest first (at most LIST_PAGE_MAX). */
  async listVersions(name: string, limit = 0, pageToken = ''): Promise<{ versions: ModelVersion[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const after = idOfToken(pageToken);
    await this.getModel(name);
    const { page, nextPageToken } = pageFrom(await this.repository.listVersions(name, size + 1, after), size, (last) => idToken(last.version));
    return { versions: page, nextPageToken };
  }

  async setAlias(actor: string, name: string, alias: string, versionNumber: number, reason: string): Promise<ModelVersion> {
    const problem = nameProblem('alias', alias);
    if (problem) throw invalidArgument(problem);
    await this.dataSource.transaction(async (manager) => {
      const model = await this.repository.findModel(name, manager, true);
      if (!model) throw notFound(`model "${name}" does not exist`);
      const version = await this.repository.findVersion(name, versionNumber, manager);
      if (!version || versionNumber <= 0) throw notFound(`model "${name}" has no version ${versionNumber}`);
      const refusal = aliasProblem(model, version, alias, await this.repository.isApproved(manager, name, versionNumber, alias));
      if (refusal) throw failedPrecondition(refusal);
      const previous = await this.repository.setAlias(manager, name, alias, versionNumber);
      if (previous === versionNumber) return;
      await this.audit.append(manager, actor, 'alias.set', name, { alias, version: versionNumber, previous, reason });
      await this.outbox.enqueue(manager, Topics.aliasChanged, { modelName: name, alias, version: versionNumber, previousVersion: previous, changedBy: actor }, { key: name });
    });
    this.relay.nudge();
    return this.getVersion(name, versionNumber);
  }

  async deleteAlias(actor: string, name: string, alias: string, reason: string): Promise<RegisteredModel> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.findModel(name, manager, true))) throw notFound(`model "${name}" does not exist`);
      const previous = await this.repository.deleteAlias(manager, name, alias);
      if (previous === 0) throw notFound(`model "${name}" has no alias "${alias}"`);
      await this.audit.append(manager, actor, 'alias.delete', name, { alias, previous, reason });
      await this.outbox.enqueue(manager, Topics.aliasChanged, { modelName: name, alias, version: 0, previousVersion: previous, changedBy: actor }, { key: name });
    });
    this.relay.nudge();
    return this.getModel(name);
  }

  async approve(actor: string, name: string, versionNumber: number, alias: string, reason: string): Promise<Approval> {
    return this.dataSource.transaction(async (manager) => {
      const version = await this.repository.findVersion(name, versionNumber, manager);
      if (!version || versionNumber <= 0) throw notFound(`model "${name}" has no version ${versionNumber}`);
      if (version.status !== 'ready') throw failedPrecondition(`version ${versionNumber} of "${name}" is ${version.status}, not ready`);
      const { approvedAt } = await this.repository.approve(manager, name, versionNumber, alias, actor, reason);
      await this.audit.append(manager, actor, 'version.approve', name, { version: versionNumber, alias, reason });
      return { modelName: name, version: versionNumber, alias, approvedBy: actor, reason, approvedAt };
    });
  }

  /** The model's approvals, newest first. */
  /** A page of a model's approvals, the newest first (at most LIST_PAGE_MAX). */
  async listApprovals(name: string, limit = 0, pageToken = ''): Promise<{ approvals: Approval[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const after = keysetOfToken(pageToken, /[1-9][0-9]{0,8}:.{1,300}/);
    await this.getModel(name);
    const { page, nextPageToken } = pageFrom(await this.repository.listApprovals(name, size + 1, after), size, (last) => keysetToken(last.position));
    return { approvals: page.map(({ position: _p, ...approval }) => approval), nextPageToken };
  }

  /**
   * Records what serving's rollout decided about a version: the `serving.verdict` tag
   * (promoted or rejected) with the deployment and reason, and an audit entry, so the registry
   * shows which candidates were rejected and why.
   */
  async recordDeploymentVerdict(name: string, version: number, verdict: 'promoted' | 'rejected', deploymentId: string, reason: string, manager: EntityManager): Promise<void> {
    const tags = { 'serving.verdict': verdict, 'serving.deployment': deploymentId, 'serving.reason': reason.slice(0, 500) };
    if (!(await this.repository.mergeVersionTags(manager, name, version, tags))) {
      this.logger.warn('deployment verdict for an unknown version', { model: name, version, verdict });
      return;
    }
    await this.audit.append(manager, 'serving', `version.${verdict}`, name, { version, deploymentId, reason });
    this.logger.info('deployment verdict recorded', { model: name, version, verdict });
  }

  /** Reads the artifact (verifying its hash) and its ONNX signature; failures make a FAILED version. */
  private async inspect(sha256: string, featureNames: string[], onMissing: 'reject' | 'fail'): Promise<{ status: 'ready' | 'failed'; statusMessage: string; artifactSize: number; signature: Signature }> {
    const empty: Signature = { inputs: [], outputs: [], featureNames };
    let bytes: Buffer;
    try {
      bytes = await this.artifacts.get(sha256);
    } catch (error) {
      if (error instanceof ArtifactMissingError && onMissing === 'reject') throw failedPrecondition(`artifact ${sha256} has not been uploaded`);
      if (error instanceof ArtifactMissingError) return { status: 'failed', statusMessage: `artifact ${sha256} is not in the store`, artifactSize: 0, signature: empty };
      if (error instanceof ArtifactCorruptError) return { status: 'failed', statusMessage: error.message, artifactSize: 0, signature: empty };
      throw error;
    }
    try {
      const signature = readSignature(new Uint8Array(bytes));
      const names = signature.featureNames.length > 0 ? signature.featureNames : featureNames;
      return { status: 'ready', statusMessage: '', artifactSize: bytes.length, signature: { inputs: signature.inputs, outputs: signature.outputs, featureNames: names } };
    } catch (error) {
      return { status: 'failed', statusMessage: `not a valid ONNX model: ${(error as Error).message}`, artifactSize: bytes.length, signature: empty };
    }
  }

  private async lockOrCreateModel(manager: EntityManager, actor: string, name: string): Promise<RegisteredModel> {
    if (await this.repository.insertModel(manager, { name, description: '', tags: {}, promotionPolicy: 'automatic' })) {
      await this.audit.append(manager, actor, 'model.create', name, { policy: 'automatic', implicit: true });
    }
    return (await this.repository.findModel(name, manager, true))!;
  }
}

/** The largest page of ListRegisteredModels and ListModelVersions, and their default. */

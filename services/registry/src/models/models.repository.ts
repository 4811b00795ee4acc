import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type KeysetPosition, returnedRows, schemaOf } from '@mlops/persistence';
import type { Approval, Lineage, ModelVersion, PromotionPolicy, RegisteredModel, Signature, VersionStatus } from './domain/model';

export type Row = Record<string, unknown>;

@Injectable()
export class ModelsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findModel(name: string, manager?: EntityManager, lock = false): Promise<RegisteredModel | undefined> {
    const [row] = await this.m(manager).query(`SELECT * FROM "${this.s}".registered_models WHERE name = $1 ${lock ? 'FOR UPDATE' : ''}`, [name]);
    if (!row) return undefined;
    const aliases: { alias: string; version: number }[] = await this.m(manager).query(`SELECT alias, version FROM "${this.s}".aliases WHERE model_name = $1`, [name]);
    return toModel(row, aliases);
  }

  /** Up to `limit` models by name, after `afterName` when given. */
  async listModels(limit: number, afterName?: string): Promise<RegisteredModel[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "${this.s}".registered_models WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2`, [afterName ?? null, limit]);
    const aliases: { model_name: string; alias: string; version: number }[] = await this.dataSource.query(
      `SELECT model_name, alias, version FROM "${this.s}".aliases WHERE model_name = ANY($1::text[])`,
      [rows.map((r) => r.name)],
    );
    return rows.map((row) => toModel(row, aliases.filter((a) => a.model_name === row.name)));
  }

  async insertModel(manager: EntityManager, model: Pick<RegisteredModel, 'name' | 'description' | 'tags' | 'promotionPolicy'>): Promise<boolean> {
    const rows = await manager.query(
      `INSERT INTO "${this.s}".registered_models (name, description, tags, promotion_policy) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING name`,
      [model.name, model.description, JSON.stringify(model.tags), model.promotionPolicy],
    );
    return rows.length > 0;
  }

  async updateModel(manager: EntityManager, model: Pick<RegisteredModel, 'name' | 'description' | 'tags' | 'promotionPolicy'>): Promise<void> {
    await manager.query(`UPDATE "${this.s}".registered_models SET description = $2, tags = $3, promotion_policy = $4, updated_at = now() WHERE name = $1`, [
      model.name,
      model.description,
      JSON.stringify(model.tags),
      model.promotionPolicy,
    ]);
  }

  async findVersion(name: string, version: number, manager?: EntityManager): Promise<ModelVersion | undefined> {
    const [row] = await this.m(manager).query(
      `SELECT * FROM "${this.s}".model_versions WHERE model_name = $1 AND version = CASE WHEN $2 > 0 THEN $2 ELSE
         (SELECT max(version) FROM "${this.s}".model_versions WHERE model_name = $1) END`,
      [name, version],
    );
    return row && this.withAliases(toVersion(row), manager);
  }

  async findVersionByKey(key: string, manager?: EntityManager): Promise<ModelVersion | undefined> {
    const [row] = await this.m(manager).query(`SELECT * FROM "${this.s}".model_versions WHERE idempotency_key = $1`, [key]);
    return row && this.withAliases(toVersion(row), manager);
  }

  /** Up to `limit` versions of a model, oldest first, after version `after` when given. */
  async listVersions(name: string, limit: number, after?: number): Promise<ModelVersion[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".model_versions WHERE model_name = $1 AND ($2::int IS NULL OR version > $2) ORDER BY version LIMIT $3`,
      [name, after ?? null, limit],
    );
    return Promise.all(rows.map((row) => this.withAliases(toVersion(row))));
  }

  /** Takes the next version number (the model row must be locked by the caller). */
  async nextVersion(manager: EntityManager, name: string): Promise<number> {
    const [row] = returnedRows<Row>(await manager.query(`UPDATE "${this.s}".registered_models SET latest_version = latest_version + 1, updated_at = now() WHERE name = $1 RETURNING latest_version`, [name]));
    return row.latest_version as number;
  }

  async insertVersion(manager: EntityManager, v: Omit<ModelVersion, 'aliases' | 'createdAt' | 'updatedAt'>, idempotencyKey: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".model_versions (model_name, version, status, status_message, artifact_sha256, artifact_size, signature, lineage, metrics, description, tags, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [v.modelName, v.version, v.status, v.statusMessage, v.artifactSha256, v.artifactSize, JSON.stringify(v.signature), JSON.stringify(v.lineage), JSON.stringify(v.metrics), v.description, JSON.stringify(v.tags), idempotencyKey],
    );
  }

  /** Merges tags into a version's tags; returns false when the version does not exist. */
  async mergeVersionTags(manager: EntityManager, name: string, version: number, tags: Record<string, string>): Promise<boolean> {
    const rows = returnedRows(await manager.query(`UPDATE "${this.s}".model_versions SET tags = tags || $3::jsonb, updated_at = now() WHERE model_name = $1 AND version = $2 RETURNING version`, [name, version, JSON.stringify(tags)]));
    return rows.length > 0;
  }

  async recordArtifact(manager: EntityManager | undefined, sha256: string, size: number): Promise<void> {
    await this.m(manager).query(`INSERT INTO "${this.s}".artifacts (sha256, size) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [sha256, size]);
  }

  async setAlias(manager: EntityManager, name: string, alias: string, version: number): Promise<number> {
    const [before] = await manager.query(`SELECT version FROM "${this.s}".aliases WHERE model_name = $1 AND alias = $2`, [name, alias]);
    await manager.query(
      `INSERT INTO "${this.s}".aliases (model_name, alias, version) VALUES ($1, $2, $3)
       ON CONFLICT (model_name, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
      [name, alias, version],
    );
    await this.touchModel(manager, name);
    return before?.version ?? 0;
  }

  async deleteAlias(manager: EntityManager, name: string, alias: string): Promise<number> {
    const rows = returnedRows<Row>(await manager.query(`DELETE FROM "${this.s}".aliases WHERE model_name = $1 AND alias = $2 RETURNING version`, [name, alias]));
    if (rows.length > 0) await this.touchModel(manager, name);
    return (rows[0]?.version as number | undefined) ?? 0;
  }

  async approve(manager: EntityManager, name: string, version: number, alias: string, by: string, reason: string): Promise<{ approvedAt: Date }> {
    const [row] = await manager.query(
      `INSERT INTO "${this.s}".approvals (model_name, version, alias, approved_by, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (model_name, version, alias) DO UPDATE SET approved_by = EXCLUDED.approved_by, reason = EXCLUDED.reason, approved_at = now()
       RETURNING approved_at`,
      [name, version, alias, by, reason],
    );
    return { approvedAt: row.approved_at };
  }

  async isApproved(manager: EntityManager, name: string, version: number, alias: string): Promise<boolean> {
    const rows = await manager.query(`SELECT 1 FROM "${this.s}".approvals WHERE model_name = $1 AND version = $2 AND alias = $3`, [name, version, alias]);
    return rows.length > 0;
  }

  /** Newest first; an approval given again counts from its latest time. */
  /** Up to `limit` approvals of a model, newest first, after `after` (approval time, then `<version>:<alias>`) when given. */
  async listApprovals(name: string, limit: number, after?: KeysetPosition): Promise<Array<Approval & { position: KeysetPosition }>> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT *, (extract(epoch FROM approved_at) * 1000000)::bigint::text AS approved_us FROM "${this.s}".approvals
        WHERE model_name = $1
          ${after ? `AND (approved_at, version, alias) < ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::int, $5::text)` : ''}
       ORDER BY approved_at DESC, version DESC, alias DESC LIMIT $2`,
      [name, limit, ...(after ? [after.createdUs, Number(after.id.slice(0, after.id.indexOf(':'))), after.id.slice(after.id.indexOf(':') + 1)] : [])],
    );
    return rows.map((r) => ({
      position: { createdUs: r.approved_us as string, id: `${r.version}:${r.alias}` },
      modelName: r.model_name as string,
      version: r.version as number,
      alias: r.alias as string,
      approvedBy: r.approved_by as string,
      reason: r.reason as string,
      approvedAt: r.approved_at as Date,
    }));
  }

  /** Renames a model; its versions, aliases and approvals follow by the foreign keys' ON UPDATE CASCADE. */
  async renameModel(manager: EntityManager, name: string, newName: string): Promise<void> {
    await manager.query(`UPDATE "${this.s}".registered_models SET name = $2, updated_at = now() WHERE name = $1`, [name, newName]);
  }

  /** Deletes a model with its approvals, aliases and versions; returns how many versions went. */
  async deleteModel(manager: EntityManager, name: string): Promise<number> {
    await manager.query(`DELETE FROM "${this.s}".approvals WHERE model_name = $1`, [name]);
    await manager.query(`DELETE FROM "${this.s}".aliases WHERE model_name = $1`, [name]);
    const versions = returnedRows(await manager.query(`DELETE FROM "${this.s}".model_versions WHERE model_name = $1 RETURNING version`, [name]));
    await manager.query(`DELETE FROM "${this.s}".registered_models WHERE name = $1`, [name]);
    return versions.length;
  }

  /** Sets one tag (value undefined: removes it) of a model; the caller holds the model's lock. */
  async setModelTag(manager: EntityManager, name: string, key: string, value: string | undefined): Promise<void> {
    const tags = value === undefined ? 'tags - $2::text' : 'tags || jsonb_build_object($2::text, $3::text)';
    await manager.query(`UPDATE "${this.s}".registered_models SET tags = ${tags}, updated_at = now() WHERE name = $1`, value === undefined ? [name, key] : [name, key, value]);
  }

  /** A version's tags, its row locked for the change that follows; undefined when it does not exist. */
  async lockVersionTags(manager: EntityManager, name: string, version: number): Promise<Record<string, string> | undefined> {
    const [row] = await manager.query(`SELECT tags FROM "${this.s}".model_versions WHERE model_name = $1 AND version = $2 FOR UPDATE`, [name, version]);
    return row?.tags as Record<string, string> | undefined;
  }

  /** Sets one tag (value undefined: removes it) of a locked version. */
  async setVersionTag(manager: EntityManager, name: string, version: number, key: string, value: string | undefined): Promise<void> {
    const tags = value === undefined ? 'tags - $3::text' : 'tags || jsonb_build_object($3::text, $4::text)';
    const params = value === undefined ? [name, version, key] : [name, version, key, value];
    await manager.query(`UPDATE "${this.s}".model_versions SET tags = ${tags}, updated_at = now() WHERE model_name = $1 AND version = $2`, params);
  }

  async updateVersionDescription(manager: EntityManager, name: string, version: number, description: string): Promise<void> {
    await manager.query(`UPDATE "${this.s}".model_versions SET description = $3, updated_at = now() WHERE model_name = $1 AND version = $2`, [name, version, description]);
  }

  private async touchModel(manager: EntityManager, name: string): Promise<void> {
    await manager.query(`UPDATE "${this.s}".registered_models SET updated_at = now() WHERE name = $1`, [name]);
  }

  private async withAliases(version: ModelVersion, manager?: EntityManager): Promise<ModelVersion> {
    const rows: { alias: string }[] = await this.m(manager).query(`SELECT alias FROM "${this.s}".aliases WHERE model_name = $1 AND version = $2 ORDER BY alias`, [
      version.modelName,
      version.version,
    ]);
    return { ...version, aliases: rows.map((r) => r.alias) };
  }
}

export function toModel(row: Row, aliases: { alias: string; version: number }[]): RegisteredModel {
  return {
    name: row.name as string,
    description: row.description as string,
    tags: row.tags as Record<string, string>,
    promotionPolicy: row.promotion_policy as PromotionPolicy,
    aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
    latestVersion: row.latest_version as number,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

export function toVersion(row: Row): ModelVersion {
  return {
    modelName: row.model_name as string,
    version: row.version as number,
    status: row.status as VersionStatus,
    statusMessage: row.status_message as string,
    artifactSha256: row.artifact_sha256 as string,
    artifactSize: Number(row.artifact_size),
    signature: row.signature as Signature,
    lineage: row.lineage as Lineage,
    metrics: row.metrics as Record<string, number>,
    description: row.description as string,
    tags: row.tags as Record<string, string>,
    aliases: [],
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

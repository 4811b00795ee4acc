import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import { CONTENT_ADDRESS_PREFIX, type ModelVersion, type RegisteredModel, SOURCE_TAG } from './domain/model';
import type { ModelField, ModelOrderField, SearchClause, SearchOrder, VersionField, VersionOrderField } from './domain/search-filter';
import { type Row, toModel, toVersion } from './models.repository';

/** One page's worth of a search: at most `limit` rows from `offset`, in the order asked. */
export interface SearchWindow {
  limit: number;
  offset: number;
}

const OPERATOR: Record<string, string> = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=', LIKE: 'LIKE', ILIKE: 'ILIKE' };

/** Positional parameters: every value of a filter is bound, never spliced into the SQL. */
class Params {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `<column> <op> $n`, or for lists `= ANY($n)` / `<> ALL($n)`; a missing tag (NULL) matches nothing, as in MLflow. */
function condition(column: string, clause: SearchClause<string>, p: Params, arrayType: 'text' | 'int'): string {
  if (clause.comparator === 'IN') return `${column} = ANY(${p.bind(clause.value)}::${arrayType}[])`;
  if (clause.comparator === 'NOT IN') return `${column} <> ALL(${p.bind(clause.value)}::${arrayType}[])`;
  return `${column} ${OPERATOR[clause.comparator]} ${p.bind(clause.value)}`;
}

const where = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');
const orderBy = <F extends string>(order: SearchOrder<F>[], columns: Record<F, string>) => order.map((o) => `${columns[o.field]} ${o.descending ? 'DESC' : 'ASC'}`).join(', ');

const MODEL_ORDER: Record<ModelOrderField, string> = { name: 'm.name', creation_timestamp: 'm.created_at', last_updated_timestamp: 'm.updated_at' };
const VERSION_ORDER: Record<VersionOrderField, string> = { name: 'v.model_name', version_number: 'v.version', creation_timestamp: 'v.created_at', last_updated_timestamp: 'v.updated_at' };
/** A version's source as MLflow clients see it (the console's versionSource). */
const SOURCE_PATH = `COALESCE(NULLIF(v.tags ->> '${SOURCE_TAG}', ''), '${CONTENT_ADDRESS_PREFIX}' || v.artifact_sha256)`;

/** The registry searches (MLflow's search_registered_models and search_model_versions) as SQL. */
@Injectable()
export class ModelSearchRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  async searchModels(clauses: SearchClause<ModelField>[], order: SearchOrder<ModelOrderField>[], window: SearchWindow): Promise<RegisteredModel[]> {
    const p = new Params();
    const conditions = clauses.map((c) => condition(c.field === 'tag' ? `m.tags ->> ${p.bind(c.key)}` : 'm.name', c, p, 'text'));
    const rows: Row[] = await this.dataSource.query(
      `SELECT m.* FROM "${this.s}".registered_models m ${where(conditions)} ORDER BY ${orderBy(order, MODEL_ORDER)} LIMIT ${p.bind(window.limit)} OFFSET ${p.bind(window.offset)}`,
      p.values,
    );
    const aliases = await this.aliasesOf(rows.map((r) => r.name as string));
    return rows.map((row) => toModel(row, aliases.filter((a) => a.model_name === row.name)));
  }

  async searchVersions(clauses: SearchClause<VersionField>[], order: SearchOrder<VersionOrderField>[], window: SearchWindow): Promise<ModelVersion[]> {
    const p = new Params();
    const column = (c: SearchClause<VersionField>): string => {
      if (c.field === 'tag') return `v.tags ->> ${p.bind(c.key)}`;
      return { name: 'v.model_name', version_number: 'v.version', run_id: "v.lineage ->> 'runId'", source_path: SOURCE_PATH }[c.field];
    };
    const conditions = clauses.map((c) => condition(column(c), c, p, c.field === 'version_number' ? 'int' : 'text'));
    const rows: Row[] = await this.dataSource.query(
      `SELECT v.* FROM "${this.s}".model_versions v ${where(conditions)} ORDER BY ${orderBy(order, VERSION_ORDER)} LIMIT ${p.bind(window.limit)} OFFSET ${p.bind(window.offset)}`,
      p.values,
    );
    const aliases = await this.aliasesOf([...new Set(rows.map((r) => r.model_name as string))]);
    return rows.map((row) => {
      const version = toVersion(row);
      const names = aliases.filter((a) => a.model_name === version.modelName && a.version === version.version).map((a) => a.alias);
      return { ...version, aliases: names.sort() };
    });
  }

  /** The aliases of a page's models, in one query. */
  private async aliasesOf(models: string[]): Promise<{ model_name: string; alias: string; version: number }[]> {
    if (models.length === 0) return [];
    return this.dataSource.query(`SELECT model_name, alias, version FROM "${this.s}".aliases WHERE model_name = ANY($1::text[])`, [models]);
  }
}

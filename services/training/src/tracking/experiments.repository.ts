import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { ExperimentClause, ExperimentOrder, ExperimentOrderField } from './domain/experiment-filter';
import type { ExperimentPosition } from './domain/pages';
import type { Experiment, LifecycleStage } from './domain/run';

type Row = Record<string, unknown>;
type Bind = (value: unknown) => string;
/** The timestamp of a position's microseconds (exact: integer microseconds, no float seconds). */
const AT_MICROS = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;
/** What MLflow compares and returns: whole milliseconds. */
const MILLIS = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::bigint`;
const FILTER_COLUMN = { name: 'e.name', creation_time: MILLIS('e.created_at'), last_update_time: MILLIS('e.last_update_time') } as const;
/** Each order field's column and the position's value to compare it with. */
const ORDER_COLUMN: Record<ExperimentOrderField, { column: string; at: (p: ExperimentPosition, bind: Bind) => string }> = {
  name: { column: 'e.name COLLATE "C"', at: (p, bind) => bind(p.name) },
  creation_time: { column: 'e.created_at', at: (p, bind) => AT_MICROS(bind(p.createdMicros)) },
  last_update_time: { column: 'e.last_update_time', at: (p, bind) => AT_MICROS(bind(p.updatedMicros)) },
  experiment_id: { column: 'e.experiment_id', at: (p, bind) => `${bind(p.experimentId)}::bigint` },
};
const UNIQUE_VIOLATION = '23505';

export interface ExperimentQuery {
  nameContains: string;
  clauses: ExperimentClause[];
  order: ExperimentOrder[];
  stages: LifecycleStage[];
  limit: number;
  after?: ExperimentPosition;
}

/** All I/O of experiments: their rows, and the lifecycle stage they pass on to their runs. */
@Injectable()
export class ExperimentsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** The new experiment's id; undefined when the name is taken (by an active or a deleted one). */
  async create(manager: EntityManager, name: string, tags: Record<string, string>): Promise<string | undefined> {
    const rows = await manager.query(`INSERT INTO "${this.s}".experiments (name, tags) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING experiment_id::text AS id`, [name, JSON.stringify(tags)]);
    return rows[0]?.id;
  }

  /** The experiment of that name, created when missing, share-locked to the end of the transaction (a delete waits). */
  async ensure(manager: EntityManager, name: string): Promise<{ experimentId: string; lifecycleStage: LifecycleStage }> {
    await manager.query(`INSERT INTO "${this.s}".experiments (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
    const [row] = await manager.query(`SELECT experiment_id::text AS id, lifecycle_stage FROM "${this.s}".experiments WHERE name = $1 FOR SHARE`, [name]);
    return { experimentId: row.id, lifecycleStage: row.lifecycle_stage };
  }

  /** Locks the experiment to the end of the transaction: `share` to add runs to it, `update` to change it. */
  async lock(manager: EntityManager, experimentId: string, mode: 'share' | 'update'): Promise<{ name: string; lifecycleStage: LifecycleStage } | undefined> {
    const [row] = await manager.query(`SELECT name, lifecycle_stage FROM "${this.s}".experiments WHERE experiment_id = $1::bigint FOR ${mode.toUpperCase()}`, [experimentId]);
    return row && { name: row.name, lifecycleStage: row.lifecycle_stage };
  }

  async find(by: { experimentId: string } | { name: string }): Promise<Experiment | undefined> {
    const [where, value] = 'name' in by ? ['e.name = $1', by.name] : ['e.experiment_id = $1::bigint', by.experimentId];
    const [row] = await this.dataSource.query(`SELECT ${this.columns()} FROM "${this.s}".experiments e WHERE ${where}`, [value]);
    return row && toExperiment(row);
  }

  /** Renames; false when another experiment has the name. */
  async rename(manager: EntityManager, experimentId: string, name: string): Promise<boolean> {
    try {
      await manager.query(`UPDATE "${this.s}".experiments SET name = $2, last_update_time = now() WHERE experiment_id = $1::bigint`, [experimentId, name]);
      return true;
    } catch (error) {
      const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
      if (code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  async setTag(manager: EntityManager, experimentId: string, key: string, value: string): Promise<void> {
    await manager.query(`UPDATE "${this.s}".experiments SET tags = tags || jsonb_build_object($2::text, $3::text), last_update_time = now() WHERE experiment_id = $1::bigint`, [experimentId, key, value]);
  }

  /** Moves the experiment and every run of it to the stage (as MLflow does on delete and restore). */
  async setStage(manager: EntityManager, experimentId: string, stage: LifecycleStage): Promise<void> {
    await manager.query(`UPDATE "${this.s}".experiments SET lifecycle_stage = $2, last_update_time = now() WHERE experiment_id = $1::bigint`, [experimentId, stage]);
    await manager.query(`UPDATE "${this.s}".runs SET lifecycle_stage = $2 WHERE experiment_id = $1::bigint AND lifecycle_stage <> $2`, [experimentId, stage]);
  }

  /** A page of experiments in the order asked (which ends with experiment_id, so it is total), after the given one. */
  async list(q: ExperimentQuery): Promise<{ experiments: Experiment[]; next?: ExperimentPosition }> {
    const params: unknown[] = [];
    const bind: Bind = (value) => `$${params.push(value)}`;
    const where = [`e.lifecycle_stage = ANY(${bind(q.stages)})`];
    if (q.nameContains) where.push(`strpos(lower(e.name), lower(${bind(q.nameContains)})) > 0`);
    for (const c of q.clauses) where.push(clauseSql(c, bind));
    if (q.after) where.push(afterSql(q.order, q.after, bind));
    const orderBy = q.order.map((o) => `${ORDER_COLUMN[o.field].column} ${o.descending ? 'DESC' : 'ASC'}`).join(', ');
    const rows: Row[] = await this.dataSource.query(
      `WITH page AS (SELECT e.* FROM "${this.s}".experiments e WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${bind(q.limit + 1)})
       SELECT ${this.columns()} FROM page e ORDER BY ${orderBy}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const next = rows.length > q.limit ? { experimentId: last.experiment_id as string, createdMicros: String(last.created_micros), updatedMicros: String(last.updated_micros), name: last.name as string } : undefined;
    return { experiments: page.map(toExperiment), next };
  }

  private columns(): string {
    return `e.experiment_id::text AS experiment_id, e.name, e.tags, e.lifecycle_stage, e.created_at, e.last_update_time,
      (extract(epoch FROM e.created_at) * 1000000)::bigint AS created_micros, (extract(epoch FROM e.last_update_time) * 1000000)::bigint AS updated_micros,
      (SELECT count(*)::int FROM "${this.s}".runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active') AS run_count`;
  }
}

function clauseSql(c: ExperimentClause, bind: Bind): string {
  const column = c.field === 'tags' ? `(e.tags ->> ${bind(c.key)})` : FILTER_COLUMN[c.field];
  return `${column} ${c.comparator} ${bind(c.value)}`;
}

/** Rows after the position in the order: equal on the first i terms, past it on the next one. */
function afterSql(order: ExperimentOrder[], after: ExperimentPosition, bind: Bind): string {
  const alternatives = order.map((o, i) => {
    const equal = order.slice(0, i).map((p) => `${ORDER_COLUMN[p.field].column} = ${ORDER_COLUMN[p.field].at(after, bind)}`);
    return [...equal, `${ORDER_COLUMN[o.field].column} ${o.descending ? '<' : '>'} ${ORDER_COLUMN[o.field].at(after, bind)}`].join(' AND ');
  });
  return `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
}

function toExperiment(row: Row): Experiment {
  return {
    experimentId: row.experiment_id as string,
    name: row.name as string,
    tags: row.tags as Record<string, string>,
    runCount: row.run_count as number,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    createdAt: row.created_at as Date,
    lastUpdateTime: row.last_update_time as Date,
  };
}

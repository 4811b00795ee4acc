import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BinaryCopyEncoder, type CopyColumn, copyInto, pgClientOf, returnedRows, schemaOf } from '@mlops/persistence';
import type { HistoryPosition } from './domain/history-page';
import type { SearchScope } from './domain/pages';
import { type ArtifactRef, type LifecycleStage, type MetricPoint, type Reproducibility, type Run, type RunStatus, stagesOf } from './domain/run';
import type { Clause, OrderTerm } from './domain/run-filter';

type Row = Record<string, unknown>;
/** The metric series' columns, in the order appendMetricsOfRuns copies them. */
const METRIC_COLUMNS: readonly CopyColumn[] = [
  { name: 'run_id', type: 'uuid' },
  { name: 'key', type: 'text' },
  { name: 'step', type: 'int8' },
  { name: 'ts', type: 'int8' },
  { name: 'value', type: 'float8' },
];
const ATTRIBUTE_COLUMN: Record<string, string> = { status: 'r.status', run_name: 'r.run_name', start_time: 'r.start_time', end_time: 'r.end_time', run_id: 'r.run_id::text', user_id: 'r.user_id' };
/** Attributes whose values are stored in lower case (MLflow writes statuses in upper case, run ids in either). */
const LOWER_CASE_ATTRIBUTES = ['status', 'run_id'];

/** A run as a write sees it, locked. */
export interface LockedRun {
  status: RunStatus;
  endTimeMs: number | null;
  lifecycleStage: LifecycleStage;
  experimentId: string;
  experimentStage: LifecycleStage;
}

@Injectable()
export class TrackingRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Reads in one snapshot: what one statement counted, the next one finds. */
  snapshot<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', fn);
  }

  async insertRun(manager: EntityManager, run: Pick<Run, 'runId' | 'experimentId' | 'runName' | 'userId' | 'startTimeMs' | 'tags' | 'reproducibility'>): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".runs (run_id, experiment_id, run_name, user_id, status, start_time, tags, reproducibility) VALUES ($1, $2::bigint, $3, $4, 'running', $5, $6, $7)`,
      [run.runId, run.experimentId, run.runName, run.userId, run.startTimeMs, JSON.stringify(run.tags), JSON.stringify(run.reproducibility)],
    );
  }

  /** Locks the run for the rest of the transaction (a delete of its experiment waits); undefined when it does not exist. */
  async lockRun(manager: EntityManager, runId: string): Promise<LockedRun | undefined> {
    const [row] = await manager.query(
      `SELECT r.status, r.end_time, r.lifecycle_stage, r.experiment_id::text AS experiment_id, e.lifecycle_stage AS experiment_stage
       FROM "${this.s}".runs r JOIN "${this.s}".experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = $1 FOR UPDATE OF r`,
      [runId],
    );
    return row && { status: row.status, endTimeMs: row.end_time === null ? null : Number(row.end_time), lifecycleStage: row.lifecycle_stage, experimentId: row.experiment_id, experimentStage: row.experiment_stage };
  }

  /** Locks several runs at once, in run id order (so two such locks never wait on each other); those that exist. */
  async lockRuns(manager: EntityManager, runIds: string[]): Promise<Map<string, LockedRun>> {
    const rows: { run_id: string; status: RunStatus; end_time: string | null; lifecycle_stage: LifecycleStage; experiment_id: string; experiment_stage: LifecycleStage }[] = await manager.query(
      `SELECT r.run_id, r.status, r.end_time, r.lifecycle_stage, r.experiment_id::text AS experiment_id, e.lifecycle_stage AS experiment_stage
       FROM "${this.s}".runs r JOIN "${this.s}".experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = ANY($1::uuid[]) ORDER BY r.run_id FOR UPDATE OF r`,
      [runIds],
    );
    return new Map(rows.map((row) => [row.run_id, { status: row.status, endTimeMs: row.end_time === null ? null : Number(row.end_time), lifecycleStage: row.lifecycle_stage, experimentId: row.experiment_id, experimentStage: row.experiment_stage }]));
  }

  /** Appends metric values in one statement and moves each key's latest value forward. */
  async appendMetrics(manager: EntityManager, runId: string, metrics: MetricPoint[]): Promise<void> {
    await this.appendMetricsOfRuns(manager, [{ runId, metrics }]);
  }

  /**
   * The same for the batches of several runs together, two statements whatever their number: the
   * values go into the series with one binary COPY (the table is append-only, nothing to check),
   * and only each key's newest value of the batch is offered to latest_metrics.
   */
  async appendMetricsOfRuns(manager: EntityManager, batches: { runId: string; metrics: MetricPoint[] }[]): Promise<void> {
    const encoder = new BinaryCopyEncoder(METRIC_COLUMNS, 64 * 1024);
    const latest = new Map<string, { runId: string } & MetricPoint>();
    for (const { runId, metrics } of batches) {
      for (const m of metrics) {
        encoder.row([runId, m.key, m.step, m.timestampMs, m.value]);
        const id = `${runId}\u0000${m.key}`;
        const seen = latest.get(id);
        if (!seen || m.step > seen.step || (m.step === seen.step && m.timestampMs >= seen.timestampMs)) latest.set(id, { runId, ...m });
      }
    }
    if (latest.size === 0) return;
    await copyInto(pgClientOf(manager), `"${this.s}".metrics`, METRIC_COLUMNS, encoder.finish());
    const points = [...latest.values()];
    await manager.query(
      `INSERT INTO "${this.s}".latest_metrics AS l (run_id, key, step, ts, value)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[])
       ON CONFLICT (run_id, key) DO UPDATE SET step = EXCLUDED.step, ts = EXCLUDED.ts, value = EXCLUDED.value
       WHERE (EXCLUDED.step, EXCLUDED.ts) >= (l.step, l.ts)`,
      [points.map((p) => p.runId), points.map((p) => p.key), points.map((p) => p.step), points.map((p) => p.timestampMs), points.map((p) => p.value)],
    );
  }

  /** Inserts params; returns those already logged with another value. */
  async insertParams(manager: EntityManager, runId: string, params: Record<string, string>): Promise<{ key: string; old: string; new: string }[]> {
    const keys = Object.keys(params);
    if (keys.length === 0) return [];
    const existing: { key: string; value: string }[] = await manager.query(`SELECT key, value FROM "${this.s}".params WHERE run_id = $1 AND key = ANY($2)`, [runId, keys]);
    const conflicts = existing.filter((e) => e.value !== params[e.key]).map((e) => ({ key: e.key, old: e.value, new: params[e.key] }));
    if (conflicts.length > 0) return conflicts;
    await manager.query(`INSERT INTO "${this.s}".params (run_id, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT DO NOTHING`, [runId, keys, keys.map((k) => params[k])]);
    return [];
  }

  async mergeTags(manager: EntityManager, runId: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length > 0) await manager.query(`UPDATE "${this.s}".runs SET tags = tags || $2::jsonb WHERE run_id = $1`, [runId, JSON.stringify(tags)]);
  }

  /** Removes the tag; false when the run has no such tag. */
  async deleteTag(manager: EntityManager, runId: string, key: string): Promise<boolean> {
    const result = await manager.query(`UPDATE "${this.s}".runs SET tags = tags - $2::text WHERE run_id = $1 AND (tags ->> $2::text) IS NOT NULL RETURNING run_id`, [runId, key]);
    return returnedRows(result).length > 0;
  }

  /** Sets the status, the end and (unless empty) the name. */
  async updateRun(manager: EntityManager, runId: string, change: { status: RunStatus; endTimeMs: number | null; runName: string }): Promise<void> {
    await manager.query(`UPDATE "${this.s}".runs SET status = $2, end_time = $3, run_name = COALESCE(NULLIF($4, ''), run_name) WHERE run_id = $1`, [runId, change.status, change.endTimeMs, change.runName]);
  }

  async setStage(manager: EntityManager, runId: string, stage: LifecycleStage): Promise<void> {
    await manager.query(`UPDATE "${this.s}".runs SET lifecycle_stage = $2 WHERE run_id = $1`, [runId, stage]);
  }

  async addArtifact(manager: EntityManager, runId: string, artifact: ArtifactRef): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".run_artifacts (run_id, path, sha256, size) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size`,
      [runId, artifact.path, artifact.sha256, artifact.size],
    );
  }

  /** Up to `limit` values of a metric, by step, timestamp and seq, after the position given (a keyset: one index range). */
  async metricHistory(runId: string, key: string, limit: number, after?: HistoryPosition): Promise<(MetricPoint & { seq: string })[]> {
    const rows: Row[] = await this.dataSource.query(
      // seq as text under another name: ORDER BY seq must sort the bigint column, not the text.
      `SELECT key, value, step, ts, seq::text AS seq_text FROM "${this.s}".metrics
       WHERE run_id = $1 AND key = $2 AND ($3::bigint IS NULL OR (step, ts, seq) > ($3::bigint, $4::bigint, $5::bigint))
       ORDER BY step, ts, seq LIMIT $6`,
      [runId, key, after?.step ?? null, after?.ts ?? null, after?.seq ?? null, limit],
    );
    return rows.map((r) => ({ key: r.key as string, value: r.value as number, step: Number(r.step), timestampMs: Number(r.ts), seq: r.seq_text as string }));
  }

  /** How many values of the metric each run has; runs without any are left out. */
  async metricCounts(manager: EntityManager, runIds: string[], key: string): Promise<Map<string, number>> {
    const rows: Row[] = await manager.query(`SELECT run_id, count(*)::int AS n FROM "${this.s}".metrics WHERE run_id = ANY($1::uuid[]) AND key = $2 GROUP BY run_id`, [runIds, key]);
    return new Map(rows.map((r) => [r.run_id as string, r.n as number]));
  }

  /** The metric's values at the given positions (0-based, by step then time) of each run's series, in one query. */
  async metricPointsAt(manager: EntityManager, key: string, positions: Map<string, number[]>): Promise<Map<string, MetricPoint[]>> {
    const runIds: string[] = [];
    const indices: number[] = [];
    for (const [runId, at] of positions) {
      runIds.push(...at.map(() => runId));
      indices.push(...at);
    }
    const series = new Map<string, MetricPoint[]>();
    if (runIds.length === 0) return series;
    const rows: Row[] = await manager.query(
      `WITH numbered AS (
         SELECT m.run_id, m.value, m.step, m.ts, (row_number() OVER (PARTITION BY m.run_id ORDER BY m.step, m.ts) - 1)::int AS i
         FROM "${this.s}".metrics m WHERE m.key = $1 AND m.run_id = ANY($4::uuid[]))
       SELECT n.run_id, n.value, n.step, n.ts FROM numbered n JOIN unnest($2::uuid[], $3::int[]) AS k(run_id, i) ON k.run_id = n.run_id AND k.i = n.i
       ORDER BY n.run_id, n.i`,
      [key, runIds, indices, [...positions.keys()]],
    );
    for (const r of rows) {
      const points = series.get(r.run_id as string) ?? [];
      points.push({ key, value: r.value as number, step: Number(r.step), timestampMs: Number(r.ts) });
      series.set(r.run_id as string, points);
    }
    return series;
  }

  /** Runs in the scope matching every clause, ordered; clause values are bound parameters, keys too. */
  async search(scope: SearchScope, clauses: Clause[], order: OrderTerm[], limit: number, offset = 0): Promise<string[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where = [`r.lifecycle_stage = ANY(${bind(stagesOf(scope.view))})`];
    const inScope = [
      ...(scope.experiments.length > 0 ? [`r.experiment_id IN (SELECT experiment_id FROM "${this.s}".experiments WHERE name = ANY(${bind(scope.experiments)}))`] : []),
      ...(scope.experimentIds.length > 0 ? [`r.experiment_id = ANY(${bind(scope.experimentIds)}::bigint[])`] : []),
    ];
    if (inScope.length > 0) where.push(`(${inScope.join(' OR ')})`);
    for (const c of clauses) where.push(this.condition(c, bind));
    const orderBy = order.map((o) => `${this.orderExpression(o, bind)} ${o.descending ? 'DESC' : 'ASC'} NULLS LAST`);
    orderBy.push('r.start_time DESC', 'r.run_id');
    const rows: { run_id: string }[] = await this.dataSource.query(
      `SELECT r.run_id FROM "${this.s}".runs r WHERE ${where.join(' AND ')} ORDER BY ${orderBy.join(', ')} LIMIT ${bind(limit)} OFFSET ${bind(offset)}`,
      params,
    );
    return rows.map((r) => r.run_id);
  }

  async runs(runIds: string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const [runs, params, metrics, artifacts]: Row[][] = await Promise.all([
      this.dataSource.query(
        `SELECT r.run_id, r.run_name, r.user_id, r.status, r.start_time, r.end_time, r.tags, r.reproducibility, r.lifecycle_stage, r.experiment_id::text AS experiment_id, e.name AS experiment
         FROM "${this.s}".runs r JOIN "${this.s}".experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = ANY($1)`,
        [runIds],
      ),
      this.dataSource.query(`SELECT run_id, key, value FROM "${this.s}".params WHERE run_id = ANY($1)`, [runIds]),
      this.dataSource.query(`SELECT run_id, key, value, step, ts FROM "${this.s}".latest_metrics WHERE run_id = ANY($1) ORDER BY key`, [runIds]),
      this.dataSource.query(`SELECT run_id, path, sha256, size FROM "${this.s}".run_artifacts WHERE run_id = ANY($1) ORDER BY path`, [runIds]),
    ]);
    const byId = new Map(runs.map((r) => [r.run_id as string, r]));
    // Grouped once (a search of 1,000 runs × 50 metrics is 50,000 metric rows).
    const [paramsOf, metricsOf, artifactsOf] = [params, metrics, artifacts].map(groupByRun);
    return runIds.filter((id) => byId.has(id)).map((id) => {
      const r = byId.get(id)!;
      const of = (groups: Map<string, Row[]>) => groups.get(id) ?? [];
      return {
        runId: id,
        experiment: r.experiment as string,
        experimentId: r.experiment_id as string,
        lifecycleStage: r.lifecycle_stage as LifecycleStage,
        userId: r.user_id as string,
        runName: r.run_name as string,
        status: r.status as RunStatus,
        startTimeMs: Number(r.start_time),
        endTimeMs: r.end_time === null ? 0 : Number(r.end_time),
        params: Object.fromEntries(of(paramsOf).map((p) => [p.key, p.value])),
        tags: r.tags as Record<string, string>,
        metrics: Object.fromEntries(of(metricsOf).map((m) => [m.key, m.value])),
        latestMetrics: of(metricsOf).map((m) => ({ key: m.key as string, value: m.value as number, step: Number(m.step), timestampMs: Number(m.ts) })),
        artifacts: of(artifactsOf).map((a) => ({ path: a.path as string, sha256: a.sha256 as string, size: Number(a.size) })),
        reproducibility: r.reproducibility as Reproducibility,
      };
    });
  }

  private condition(c: Clause, bind: (v: unknown) => string): string {
    const op = c.comparator;
    switch (c.entity) {
      case 'metrics':
        return `EXISTS (SELECT 1 FROM "${this.s}".latest_metrics m WHERE m.run_id = r.run_id AND m.key = ${bind(c.key)} AND m.value ${op} ${bind(c.value)})`;
      case 'params':
        return `EXISTS (SELECT 1 FROM "${this.s}".params p WHERE p.run_id = r.run_id AND p.key = ${bind(c.key)} AND p.value ${op} ${bind(c.value)})`;
      case 'tags':
        return `(r.tags ->> ${bind(c.key)}) ${op} ${bind(c.value)}`;
      case 'attributes': {
        const lower = (v: string) => (LOWER_CASE_ATTRIBUTES.includes(c.key) ? v.toLowerCase() : v);
        const column = ATTRIBUTE_COLUMN[c.key];
        if (Array.isArray(c.value)) return `${op === 'NOT IN' ? 'NOT ' : ''}(${column} = ANY(${bind(c.value.map(lower))}::text[]))`;
        return `${column} ${op} ${bind(typeof c.value === 'string' ? lower(c.value) : c.value)}`;
      }
    }
  }

  private orderExpression(o: OrderTerm, bind: (v: unknown) => string): string {
    if (o.entity === 'metrics') return `(SELECT m.value FROM "${this.s}".latest_metrics m WHERE m.run_id = r.run_id AND m.key = ${bind(o.key)})`;
    if (o.entity === 'params') return `(SELECT p.value FROM "${this.s}".params p WHERE p.run_id = r.run_id AND p.key = ${bind(o.key)})`;
    if (o.entity === 'tags') return `(r.tags ->> ${bind(o.key)})`;
    return ATTRIBUTE_COLUMN[o.key];
  }
}

function groupByRun(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const id = row.run_id as string;
    const group = groups.get(id);
    if (group) group.push(row);
    else groups.set(id, [row]);
  }
  return groups;
}

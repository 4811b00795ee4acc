import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { ExperimentPosition } from './domain/pages';
import type { ArtifactRef, Experiment, MetricPoint, Reproducibility, Run, RunStatus } from './domain/run';
import type { Clause, OrderTerm } from './domain/run-filter';

type Row = Record<string, unknown>;
/** The timestamp of a position's microseconds (exact: integer microseconds, no float seconds). */
const AT_MICROS = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;
const ATTRIBUTE_COLUMN: Record<string, string> = { status: 'r.status', run_name: 'r.run_name', start_time: 'r.start_time', end_time: 'r.end_time', run_id: 'r.run_id::text' };

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

  async ensureExperiment(manager: EntityManager, name: string, tags: Record<string, string>): Promise<boolean> {
    const rows = await manager.query(`INSERT INTO "${this.s}".experiments (name, tags) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING name`, [name, JSON.stringify(tags)]);
    return rows.length > 0;
  }

  async experiment(name: string): Promise<Experiment | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT e.name, e.tags, e.created_at, (SELECT count(*)::int FROM "${this.s}".runs r WHERE r.experiment = e.name) AS run_count FROM "${this.s}".experiments e WHERE e.name = $1`,
      [name],
    );
    return row && toExperiment(row);
  }

  /**
   * Experiments whose name contains the text (any case), newest first then by name (byte order),
   * after the given one; `next` is the last one returned when more follow.
   */
  async experiments(nameContains: string, limit: number, after?: ExperimentPosition): Promise<{ experiments: Experiment[]; next?: ExperimentPosition }> {
    const params: unknown[] = [nameContains, limit + 1];
    const start = after ? `AND (e.created_at < ${AT_MICROS('$3')} OR (e.created_at = ${AT_MICROS('$3')} AND e.name COLLATE "C" > $4))` : '';
    if (after) params.push(after.createdMicros, after.name);
    const rows: Row[] = await this.dataSource.query(
      `WITH page AS (
         SELECT e.name, e.tags, e.created_at FROM "${this.s}".experiments e
         WHERE strpos(lower(e.name), lower($1)) > 0 ${start}
         ORDER BY e.created_at DESC, e.name COLLATE "C" LIMIT $2)
       SELECT p.name, p.tags, p.created_at, (extract(epoch FROM p.created_at) * 1000000)::bigint AS created_micros,
         (SELECT count(*)::int FROM "${this.s}".runs r WHERE r.experiment = p.name) AS run_count
       FROM page p ORDER BY p.created_at DESC, p.name COLLATE "C"`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { experiments: page.map(toExperiment), next: rows.length > limit ? { createdMicros: String(last.created_micros), name: last.name as string } : undefined };
  }

  async insertRun(manager: EntityManager, run: Pick<Run, 'runId' | 'experiment' | 'runName' | 'startTimeMs' | 'tags' | 'reproducibility'>): Promise<void> {
    await manager.query(`INSERT INTO "${this.s}".runs (run_id, experiment, run_name, status, start_time, tags, reproducibility) VALUES ($1, $2, $3, 'running', $4, $5, $6)`, [
      run.runId,
      run.experiment,
      run.runName,
      run.startTimeMs,
      JSON.stringify(run.tags),
      JSON.stringify(run.reproducibility),
    ]);
  }

  /** Locks the run for the rest of the transaction; undefined when it does not exist. */
  async lockRun(manager: EntityManager, runId: string): Promise<{ status: RunStatus } | undefined> {
    const [row] = await manager.query(`SELECT status FROM "${this.s}".runs WHERE run_id = $1 FOR UPDATE`, [runId]);
    return row && { status: row.status };
  }

  /** Appends metric values in one statement and moves each key's latest value forward. */
  async appendMetrics(manager: EntityManager, runId: string, metrics: MetricPoint[]): Promise<void> {
    if (metrics.length === 0) return;
    const cols = [metrics.map((m) => m.key), metrics.map((m) => m.step), metrics.map((m) => m.timestampMs), metrics.map((m) => m.value)];
    await manager.query(`INSERT INTO "${this.s}".metrics (run_id, key, step, ts, value) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[])`, [runId, ...cols]);
    await manager.query(
      `INSERT INTO "${this.s}".latest_metrics AS l (run_id, key, step, ts, value)
       SELECT DISTINCT ON (k) $1, k, st, t, v FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[]) AS u(k, st, t, v) ORDER BY k, st DESC, t DESC
       ON CONFLICT (run_id, key) DO UPDATE SET step = EXCLUDED.step, ts = EXCLUDED.ts, value = EXCLUDED.value
       WHERE (EXCLUDED.step, EXCLUDED.ts) >= (l.step, l.ts)`,
      [runId, ...cols],
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

  async setStatus(manager: EntityManager, runId: string, status: RunStatus, endTimeMs: number | null): Promise<void> {
    await manager.query(`UPDATE "${this.s}".runs SET status = $2, end_time = $3 WHERE run_id = $1`, [runId, status, endTimeMs]);
  }

  async addArtifact(manager: EntityManager, runId: string, artifact: ArtifactRef): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".run_artifacts (run_id, path, sha256, size) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size`,
      [runId, artifact.path, artifact.sha256, artifact.size],
    );
  }

  async metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT key, value, step, ts FROM "${this.s}".metrics WHERE run_id = $1 AND key = $2 ORDER BY step, ts`, [runId, key]);
    return rows.map((r) => ({ key: r.key as string, value: r.value as number, step: Number(r.step), timestampMs: Number(r.ts) }));
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

  /** Runs matching every clause, ordered; clause values are bound parameters, keys too. */
  async search(experiments: string[], clauses: Clause[], order: OrderTerm[], limit: number, offset = 0): Promise<string[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where = experiments.length > 0 ? [`r.experiment = ANY(${bind(experiments)})`] : [];
    for (const c of clauses) where.push(this.condition(c, bind));
    const orderBy = order.map((o) => `${this.orderExpression(o, bind)} ${o.descending ? 'DESC' : 'ASC'} NULLS LAST`);
    orderBy.push('r.start_time DESC', 'r.run_id');
    const rows: { run_id: string }[] = await this.dataSource.query(
      `SELECT r.run_id FROM "${this.s}".runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy.join(', ')} LIMIT ${bind(limit)} OFFSET ${bind(offset)}`,
      params,
    );
    return rows.map((r) => r.run_id);
  }

  async runs(runIds: string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const [runs, params, metrics, artifacts]: Row[][] = await Promise.all([
      this.dataSource.query(`SELECT * FROM "${this.s}".runs WHERE run_id = ANY($1)`, [runIds]),
      this.dataSource.query(`SELECT run_id, key, value FROM "${this.s}".params WHERE run_id = ANY($1)`, [runIds]),
      this.dataSource.query(`SELECT run_id, key, value FROM "${this.s}".latest_metrics WHERE run_id = ANY($1)`, [runIds]),
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
        runName: r.run_name as string,
        status: r.status as RunStatus,
        startTimeMs: Number(r.start_time),
        endTimeMs: r.end_time === null ? 0 : Number(r.end_time),
        params: Object.fromEntries(of(paramsOf).map((p) => [p.key, p.value])),
        tags: r.tags as Record<string, string>,
        metrics: Object.fromEntries(of(metricsOf).map((m) => [m.key, m.value])),
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
        const value = c.key === 'status' && typeof c.value === 'string' ? c.value.toLowerCase() : c.value;
        return `${ATTRIBUTE_COLUMN[c.key]} ${op} ${bind(value)}`;
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

function toExperiment(row: Row): Experiment {
  return { name: row.name as string, tags: row.tags as Record<string, string>, runCount: row.run_count as number, createdAt: row.created_at as Date };
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

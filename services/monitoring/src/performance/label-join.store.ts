import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { LabelledPrediction } from './domain/performance';

/** A served row of the production traffic, waiting for its label. */
export interface PendingPrediction {
  requestId: string;
  row: number;
  version: number;
  prediction: number;
  score?: number;
  servedAtMs: number;
}

export interface PendingLabel {
  modelName: string;
  requestId: string;
  row: number;
  label: number;
}

/** What the join needs to know of each model it completes rows for. */
export interface WindowRule {
  /** The production version, when known: labelled rows of other versions are not judged. */
  productionVersion?: number;
  labelWindow: number;
}

export interface JoinOutcome {
  /** Labelled rows kept per model (of the production version, or of any when it is not known). */
  joined: Map<string, number>;
  otherVersion: Map<string, number>;
  /** Windows that are full and reached their next evaluation (their counter was reset). */
  due: Array<{ modelName: string; version: number }>;
}

const MAX_ROWS_PER_STATEMENT = 2000;

/** Runs one statement per 2,000 rows and gathers what they return. */
async function inChunks<T>(rows: T[], statement: (part: T[]) => Promise<Record<string, unknown>[]>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_STATEMENT) out.push(...(await statement(rows.slice(i, i + MAX_ROWS_PER_STATEMENT))));
  return out;
}
const key = (a: { requestId: string; row: number }, b: { requestId: string; row: number }) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : a.row - b.row);

/**
 * The late-label join and the labelled windows, in Postgres so that every replica sees every
 * prediction and every label (they arrive on different topics and partitions, so rarely at the
 * same replica), and a replica that dies leaves nothing joined-but-unjudged behind.
 *
 * A (model, request, row) row holds whichever side came first; the statement that adds the other
 * side sees the row complete, marks it joined and appends it to the model's labelled window in
 * the same transaction: a row is joined once however many replicas and redeliveries there are
 * (a joined row stays, marked, until it expires, so a side delivered again is not joined twice).
 * Every fifth of a window the transaction that completes it resets its counter and reports it
 * due, so one replica judges it.
 */
@Injectable()
export class LabelJoinStore {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  /** Adds a model's served rows; completes those whose label already came. */
  async addPredictions(modelName: string, rows: PendingPrediction[], rule: WindowRule): Promise<JoinOutcome> {
    const sorted = [...new Map(rows.map((r) => [`${r.requestId}#${r.row}`, r])).values()].sort(key);
    return this.dataSource.transaction(async (m) => {
      const complete = await inChunks(sorted, (part) =>
        m.query(
          `INSERT INTO "${this.s}".label_join AS j (model_name, request_id, "row", version, prediction, score, served_at_ms)
             SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::int[], $5::float8[], $6::float8[], $7::bigint[])
           ON CONFLICT (model_name, request_id, "row") DO UPDATE SET
             version = EXCLUDED.version, prediction = EXCLUDED.prediction, score = EXCLUDED.score, served_at_ms = EXCLUDED.served_at_ms,
             joined = j.label IS NOT NULL, touched_at = now()
             WHERE NOT j.joined AND j.version IS NULL
           RETURNING model_name, request_id, "row", version, prediction, score, served_at_ms, label, joined`,
          [modelName, part.map((p) => p.requestId), part.map((p) => p.row), part.map((p) => p.version), part.map((p) => p.prediction), part.map((p) => p.score ?? null), part.map((p) => p.servedAtMs)],
        ),
      );
      return this.complete(m, complete, new Map([[modelName, rule]]));
    });
  }

  /** Adds labels (of any models); completes those whose prediction already came. */
  async addLabels(labels: PendingLabel[], rules: Map<string, WindowRule>): Promise<JoinOutcome> {
    const sorted = [...new Map(labels.map((l) => [`${l.modelName}#${l.requestId}#${l.row}`, l])).values()].sort((a, b) => (a.modelName < b.modelName ? -1 : a.modelName > b.modelName ? 1 : key(a, b)));
    return this.dataSource.transaction(async (m) => {
      const complete = await inChunks(sorted, (part) =>
        m.query(
          `INSERT INTO "${this.s}".label_join AS j (model_name, request_id, "row", label)
             SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[])
           ON CONFLICT (model_name, request_id, "row") DO UPDATE SET label = EXCLUDED.label, joined = j.version IS NOT NULL, touched_at = now()
             WHERE NOT j.joined AND j.label IS NULL
           RETURNING model_name, request_id, "row", version, prediction, score, served_at_ms, label, joined`,
          [part.map((l) => l.modelName), part.map((l) => l.requestId), part.map((l) => l.row), part.map((l) => l.label)],
        ),
      );
      return this.complete(m, complete, rules);
    });
  }

  /** Appends the rows the statements just joined to their windows (one per model and version) and counts them. */
  private async complete(m: EntityManager, rows: Record<string, unknown>[], rules: Map<string, WindowRule>): Promise<JoinOutcome> {
    const outcome: JoinOutcome = { joined: new Map(), otherVersion: new Map(), due: [] };
    // Joined by this transaction's own statements (the rows stay locked until it commits, so no
    // other replica can join them too).
    const done = rows.filter((r) => r.joined === true);
    if (done.length === 0) return outcome;
    for (const r of done) {
      const model = String(r.model_name);
      const production = rules.get(model)?.productionVersion;
      const counts = production === undefined || Number(r.version) === production ? outcome.joined : outcome.otherVersion;
      counts.set(model, (counts.get(model) ?? 0) + 1);
    }
    await m.query(
      `INSERT INTO "${this.s}".labelled_predictions (model_name, version, request_id, "row", prediction, score, label, served_at_ms)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[])`,
      [done.map((r) => r.model_name), done.map((r) => r.version), done.map((r) => r.request_id), done.map((r) => r.row), done.map((r) => r.prediction), done.map((r) => r.score), done.map((r) => r.label), done.map((r) => r.served_at_ms)],
    );
    // Counters per window, in (model, version) order: replicas lock them in the same order.
    const windows = new Map<string, { modelName: string; version: number; added: number }>();
    for (const r of done) {
      const id = `${String(r.model_name)}\u0000${Number(r.version)}`;
      const w = windows.get(id) ?? { modelName: String(r.model_name), version: Number(r.version), added: 0 };
      w.added++;
      windows.set(id, w);
    }
    for (const w of [...windows.values()].sort((a, b) => (a.modelName < b.modelName ? -1 : a.modelName > b.modelName ? 1 : a.version - b.version))) {
      const rule = rules.get(w.modelName);
      const size = rule?.labelWindow ?? 500;
      const every = Math.max(1, Math.floor(size / 5));
      const [{ since_evaluation: since }] = (await m.query(
        `INSERT INTO "${this.s}".label_windows AS w (model_name, version, since_evaluation) VALUES ($1, $2, $3)
         ON CONFLICT (model_name, version) DO UPDATE SET since_evaluation = w.since_evaluation + EXCLUDED.since_evaluation
         RETURNING since_evaluation`,
        [w.modelName, w.version, w.added],
      )) as Array<{ since_evaluation: number }>;
      // Only the production version's window is judged, and only by a replica that knows it is
      // production (its reference is loaded): the counter waits otherwise, so nothing is skipped.
      if (since < every || rule?.productionVersion !== w.version) continue;
      if (await this.claimIfFull(m, w.modelName, w.version, size)) outcome.due.push({ modelName: w.modelName, version: w.version });
    }
    return outcome;
  }

  /** Resets the window's counter when the window is full: the caller judges it. */
  private async claimIfFull(m: EntityManager, modelName: string, version: number, size: number): Promise<boolean> {
    const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "${this.s}".labelled_predictions WHERE model_name = $1 AND version = $2 LIMIT $3) w`, [modelName, version, size])) as Array<{ n: number }>;
    if (n < size) return false;
    await m.query(`UPDATE "${this.s}".label_windows SET since_evaluation = 0 WHERE model_name = $1 AND version = $2`, [modelName, version]);
    return true;
  }

  /**
   * Claims the production version's window if a fifth or more arrived since it was last judged
   * while no replica could judge it (its reference was still loading): true when the caller
   * should judge it now.
   */
  async claimOverdue(modelName: string, version: number, size: number): Promise<boolean> {
    const every = Math.max(1, Math.floor(size / 5));
    return this.dataSource.transaction(async (m) => {
      const rows = (await m.query(`SELECT since_evaluation FROM "${this.s}".label_windows WHERE model_name = $1 AND version = $2 FOR UPDATE SKIP LOCKED`, [modelName, version])) as Array<{ since_evaluation: number }>;
      return rows.length > 0 && rows[0].since_evaluation >= every && (await this.claimIfFull(m, modelName, version, size));
    });
  }

  /** The newest `size` labelled predictions of a model's version, oldest first. */
  async window(modelName: string, version: number, size: number): Promise<LabelledPrediction[]> {
    const rows = (await this.dataSource.query(
      `SELECT version, prediction, score, label, served_at_ms FROM "${this.s}".labelled_predictions WHERE model_name = $1 AND version = $2 ORDER BY id DESC LIMIT $3`,
      [modelName, version, size],
    )) as Array<{ version: number; prediction: number; score: number | null; label: number; served_at_ms: string }>;
    return rows.reverse().map((r) => ({ version: r.version, prediction: r.prediction, ...(r.score !== null ? { score: r.score } : {}), label: r.label, servedAtMs: Number(r.served_at_ms) }));
  }

  /**
   * One replica's upkeep of a model (the others skip it while it runs): forgets rows that waited
   * longer than `maxAgeSeconds` or beyond the newest `maxEntries` of their side, joined markers
   * after `markerSeconds`, and labelled rows beyond the newest `labelWindow` of each version.
   * Rows a join holds are skipped, never waited for. Returns how many labels expired unjoined,
   * or undefined when another replica was at it.
   */
  async expire(modelName: string, maxAgeSeconds: number, maxEntries: number, markerSeconds: number, labelWindow: number): Promise<{ expiredLabels: number } | undefined> {
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = (await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${this.s}.label_join:${modelName}`])) as Array<{ locked: boolean }>;
      if (!locked) return undefined;
      let expiredLabels = 0;
      for (const side of ['label IS NULL', 'version IS NULL']) {
        const gone = (await m.query(
          `DELETE FROM "${this.s}".label_join WHERE ctid IN (
             SELECT ctid FROM "${this.s}".label_join
             WHERE model_name = $1 AND NOT joined AND ${side} AND touched_at < GREATEST(now() - make_interval(secs => $2),
               coalesce((SELECT touched_at FROM "${this.s}".label_join WHERE model_name = $1 AND NOT joined AND ${side} ORDER BY touched_at DESC OFFSET $3 LIMIT 1), '-infinity'))
             FOR UPDATE SKIP LOCKED)`,
          [modelName, maxAgeSeconds, Math.max(0, maxEntries - 1)],
        )) as [unknown[], number];
        if (side === 'version IS NULL') expiredLabels = gone[1];
      }
      await m.query(
        `DELETE FROM "${this.s}".label_join WHERE ctid IN (
           SELECT ctid FROM "${this.s}".label_join WHERE model_name = $1 AND joined AND touched_at < now() - make_interval(secs => $2) FOR UPDATE SKIP LOCKED)`,
        [modelName, markerSeconds],
      );
      await m.query(
        `DELETE FROM "${this.s}".labelled_predictions WHERE id IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY version ORDER BY id DESC) AS newest FROM "${this.s}".labelled_predictions WHERE model_name = $1) w
           WHERE newest > $2)`,
        [modelName, labelWindow],
      );
      return { expiredLabels };
    });
  }

  /** Rows of the model still waiting for their other side. */
  async waiting(modelName: string): Promise<{ predictions: number; labels: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE label IS NULL)::int AS predictions, count(*) FILTER (WHERE version IS NULL)::int AS labels FROM "${this.s}".label_join WHERE model_name = $1 AND NOT joined`,
      [modelName],
    )) as Array<{ predictions: number; labels: number }>;
    return row ?? { predictions: 0, labels: 0 };
  }
}

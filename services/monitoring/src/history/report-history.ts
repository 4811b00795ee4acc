import type { DataSource, EntityManager } from 'typeorm';
import { finite } from '../alerts/alerts.repository';

/** Evaluations kept per model; appending one more deletes the oldest. */
export const HISTORY_PER_MODEL = 2000;

/**
 * A table of past evaluations (drift or performance reports) per model, numbered 1, 2, … per
 * model. Appends run in the evaluation's transaction, under the model's alert-state lock, so one
 * evaluation of a model and kind appends at a time and `seq` is the model's next (the primary key
 * (model_name, seq) turns a race into an error, not a gap).
 */
export class ReportHistory<T extends { modelName: string; computedAtMs: number }> {
  constructor(
    private readonly dataSource: DataSource,
    /** Schema-qualified, quoted table name. */
    private readonly table: string,
  ) {}

  /** The report, and the one evaluation of the model that falls out of the last
   * HISTORY_PER_MODEL deleted: every append deletes the one before those it keeps, so there are
   * never more, and the delete is one primary-key lookup however long the model's history. */
  async append(manager: EntityManager, report: T): Promise<void> {
    const [{ seq }] = await manager.query(
      `INSERT INTO ${this.table} (model_name, seq, computed_at, report)
       SELECT $1, coalesce(max(seq), 0) + 1, to_timestamp($2 / 1000.0), $3 FROM ${this.table} WHERE model_name = $1
       RETURNING seq`,
      [report.modelName, report.computedAtMs, JSON.stringify(report, finite)],
    );
    await manager.query(`DELETE FROM ${this.table} WHERE model_name = $1 AND seq = $2`, [report.modelName, Number(seq) - HISTORY_PER_MODEL]);
  }

  /** Newest first: at most `limit` evaluations computed at or after `sinceMs`. */
  async list(model: string, sinceMs: number, limit: number): Promise<T[]> {
    const rows: { report: T }[] = await this.dataSource.query(
      `SELECT report FROM ${this.table} WHERE model_name = $1 AND computed_at >= to_timestamp($2 / 1000.0) ORDER BY seq DESC LIMIT $3`,
      [model, sinceMs, limit],
    );
    return rows.map((r) => r.report);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * What a console draws: every drift and performance evaluation (the last 2000 per model, numbered
 * per model), alerts paged newest first, and the latest sagas.
 */
export class ReportHistory1733300000100 implements MigrationInterface {
  name = 'ReportHistory1733300000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const kind of ['drift', 'performance']) {
      // `seq` counts the model's evaluations: newest first is seq DESC, and the oldest beyond
      // the bound are found by the primary key.
      await runner.query(`
        CREATE TABLE "${s}".${kind}_report_history (
          model_name text NOT NULL,
          seq bigint NOT NULL,
          computed_at timestamptz NOT NULL,
          report jsonb NOT NULL,
          PRIMARY KEY (model_name, seq)
        )`);
      // The latest report of each model is its first past evaluation.
      await runner.query(`INSERT INTO "${s}".${kind}_report_history (model_name, seq, computed_at, report) SELECT model_name, 1, computed_at, report FROM "${s}".${kind}_reports`);
    }
    // Alert pages are keyed by (raised_at, alert_id), with and without a model.
    await runner.query(`DROP INDEX "${s}".alerts_by_model`);
    await runner.query(`CREATE INDEX alerts_by_model ON "${s}".alerts (model_name, raised_at DESC, alert_id DESC)`);
    await runner.query(`CREATE INDEX alerts_newest ON "${s}".alerts (raised_at DESC, alert_id DESC)`);
    // The latest sagas are found by walking steps newest first (all, or one model's); a saga's
    // latest steps by correlation id.
    await runner.query(`CREATE INDEX timeline_newest ON "${s}".timeline_steps (at DESC, id DESC)`);
    await runner.query(`CREATE INDEX timeline_by_model ON "${s}".timeline_steps (model_name, at DESC, id DESC)`);
    await runner.query(`DROP INDEX "${s}".timeline_by_correlation`);
    await runner.query(`CREATE INDEX timeline_by_correlation ON "${s}".timeline_steps (correlation_id, at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".timeline_by_correlation`);
    await runner.query(`CREATE INDEX timeline_by_correlation ON "${s}".timeline_steps (correlation_id, at)`);
    await runner.query(`DROP INDEX "${s}".timeline_by_model`);
    await runner.query(`DROP INDEX "${s}".timeline_newest`);
    await runner.query(`DROP INDEX "${s}".alerts_newest`);
    await runner.query(`DROP INDEX "${s}".alerts_by_model`);
    await runner.query(`CREATE INDEX alerts_by_model ON "${s}".alerts (model_name, raised_at DESC)`);
    await runner.query(`DROP TABLE "${s}".performance_report_history`);
    await runner.query(`DROP TABLE "${s}".drift_report_history`);
  }
}

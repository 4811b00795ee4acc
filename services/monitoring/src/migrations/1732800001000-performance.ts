import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** Concept drift from late labels: alert states per kind, performance fields on alerts, reports. */
export class Performance1732800001000 implements MigrationInterface {
  name = 'Performance1732800001000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    // Hysteresis per model and kind ("data_drift", "performance"); kind "retrain" holds when
    // the model's last retraining was requested, shared by both kinds' cooldown.
    await runner.query(`ALTER TABLE "${s}".alert_states ADD COLUMN kind text NOT NULL DEFAULT 'data_drift'`);
    await runner.query(`ALTER TABLE "${s}".alert_states DROP CONSTRAINT alert_states_pkey`);
    await runner.query(`ALTER TABLE "${s}".alert_states ADD PRIMARY KEY (model_name, kind)`);
    await runner.query(`ALTER TABLE "${s}".alert_states ALTER COLUMN kind DROP DEFAULT`);
    // The retraining cooldown starts from the last drift alert that requested one.
    await runner.query(`
      INSERT INTO "${s}".alert_states (model_name, kind, state)
      SELECT model_name, 'retrain', jsonb_build_object('lastAlertAtMs', (extract(epoch FROM max(raised_at)) * 1000)::bigint)
      FROM "${s}".alerts WHERE retrain_requested GROUP BY model_name`);
    await runner.query(`
      ALTER TABLE "${s}".alerts
        ADD COLUMN metric text NOT NULL DEFAULT '',
        ADD COLUMN baseline double precision NOT NULL DEFAULT 0,
        ADD COLUMN current double precision NOT NULL DEFAULT 0,
        ADD COLUMN sample_size bigint NOT NULL DEFAULT 0,
        ADD COLUMN retrain_note text NOT NULL DEFAULT ''`);
    await runner.query(`
      CREATE TABLE "${s}".performance_reports (
        model_name text PRIMARY KEY,
        report jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP TABLE "${s}".performance_reports`);
    await runner.query(`ALTER TABLE "${s}".alerts DROP COLUMN metric, DROP COLUMN baseline, DROP COLUMN current, DROP COLUMN sample_size, DROP COLUMN retrain_note`);
    await runner.query(`DELETE FROM "${s}".alert_states WHERE kind <> 'data_drift'`);
    await runner.query(`ALTER TABLE "${s}".alert_states DROP CONSTRAINT alert_states_pkey`);
    await runner.query(`ALTER TABLE "${s}".alert_states DROP COLUMN kind`);
    await runner.query(`ALTER TABLE "${s}".alert_states ADD PRIMARY KEY (model_name)`);
  }
}

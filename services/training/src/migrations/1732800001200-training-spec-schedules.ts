import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * Training specs' schedules run: when each is next due, and what its last firing did. A spec
 * stored before this (next_run_at NULL) is armed by the scheduler's first tick, not fired.
 */
export class TrainingSpecSchedules1732800001200 implements MigrationInterface {
  name = 'TrainingSpecSchedules1732800001200';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      ALTER TABLE "${s}".training_specs
        ADD COLUMN next_run_at timestamptz,
        ADD COLUMN last_run_at timestamptz,
        ADD COLUMN last_job_id text NOT NULL DEFAULT '',
        ADD COLUMN last_error text NOT NULL DEFAULT ''`);
    await runner.query(`CREATE INDEX training_specs_due ON "${s}".training_specs (next_run_at) WHERE schedule <> ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".training_specs_due`);
    await runner.query(`ALTER TABLE "${s}".training_specs DROP COLUMN next_run_at, DROP COLUMN last_run_at, DROP COLUMN last_job_id, DROP COLUMN last_error`);
  }
}

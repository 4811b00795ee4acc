import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** Training specs: named job templates (proto JSON) with an optional cron schedule, kept for `mlops apply`. */
export class TrainingSpecs1732800001100 implements MigrationInterface {
  name = 'TrainingSpecs1732800001100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${schemaOf(runner.connection)}".training_specs (
        name text PRIMARY KEY,
        job jsonb NOT NULL,
        schedule text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        revision integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${schemaOf(runner.connection)}".training_specs`);
  }
}

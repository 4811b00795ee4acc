import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** A job keeps the correlation id of what submitted it (a drift alert, a user's call), so its
 * run, its version and the version's rollout carry the same id. */
export class JobCorrelation1732800000900 implements MigrationInterface {
  name = 'JobCorrelation1732800000900';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection)}".jobs ADD COLUMN correlation_id text NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection)}".jobs DROP COLUMN correlation_id`);
  }
}

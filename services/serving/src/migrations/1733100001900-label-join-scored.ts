import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** A joined row is kept, marked scored, instead of deleted: a prediction or a label of the same
 * row arriving later (a mirrored candidate's answer, a redelivered label) cannot score it again. */
export class LabelJoinScored1733100001900 implements MigrationInterface {
  name = 'LabelJoinScored1733100001900';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection)}".label_join ADD COLUMN scored boolean NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection)}".label_join DROP COLUMN scored`);
  }
}

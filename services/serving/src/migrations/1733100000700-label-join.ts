import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** Predictions made during deployments and the labels for them, joined whichever comes first,
 * shared by every serving replica (a label may reach a replica that did not make the prediction). */
export class LabelJoin1733100000700 implements MigrationInterface {
  name = 'LabelJoin1733100000700';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE UNLOGGED TABLE "${s}".label_join (
        request_id text NOT NULL,
        "row" int NOT NULL,
        deployment_id uuid,
        task text,
        stable double precision,
        candidate double precision,
        label double precision,
        touched_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, "row")
      )`);
    await runner.query(`CREATE INDEX label_join_touched ON "${s}".label_join (touched_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${schemaOf(runner.connection)}".label_join`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * What MLflow's tracking API needs: experiments get a stable numeric id (a sequence, as MLflow's
 * SQL store; "0" is "Default"), soft deletion (lifecycle_stage) and a last-update time; runs point
 * at their experiment by id (so a rename touches one row), and get a lifecycle stage and a user.
 * Existing experiments get ids 1, 2, ... in creation order (an existing "Default" gets 0).
 */
export class ExperimentLifecycle1732800001000 implements MigrationInterface {
  name = 'ExperimentLifecycle1732800001000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    const stage = (table: string) => `ALTER TABLE "${s}".${table} ADD COLUMN lifecycle_stage text NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))`;
    await runner.query(stage('experiments'));
    await runner.query(`ALTER TABLE "${s}".experiments ADD COLUMN experiment_id bigint, ADD COLUMN last_update_time timestamptz NOT NULL DEFAULT now()`);
    await runner.query(`UPDATE "${s}".experiments SET last_update_time = created_at`);
    await runner.query(`UPDATE "${s}".experiments SET experiment_id = 0 WHERE name = 'Default'`);
    await runner.query(`INSERT INTO "${s}".experiments (name, experiment_id) VALUES ('Default', 0) ON CONFLICT (name) DO NOTHING`);
    await runner.query(`
      UPDATE "${s}".experiments e SET experiment_id = n.id
      FROM (SELECT name, row_number() OVER (ORDER BY created_at, name COLLATE "C") AS id FROM "${s}".experiments WHERE experiment_id IS NULL) n
      WHERE e.name = n.name`);
    await runner.query(`CREATE SEQUENCE "${s}".experiment_ids OWNED BY "${s}".experiments.experiment_id`);
    await runner.query(`SELECT setval('"${s}".experiment_ids', (SELECT max(experiment_id) + 1 FROM "${s}".experiments), false)`);
    await runner.query(`ALTER TABLE "${s}".experiments ALTER COLUMN experiment_id SET DEFAULT nextval('"${s}".experiment_ids'), ALTER COLUMN experiment_id SET NOT NULL`);

    await runner.query(`ALTER TABLE "${s}".runs ADD COLUMN experiment_id bigint`);
    await runner.query(`UPDATE "${s}".runs r SET experiment_id = e.experiment_id FROM "${s}".experiments e WHERE e.name = r.experiment`);
    // Dropping the name column drops its foreign key and index too; the name is the experiment's alone.
    await runner.query(`ALTER TABLE "${s}".runs ALTER COLUMN experiment_id SET NOT NULL, DROP COLUMN experiment`);
    await runner.query(`ALTER TABLE "${s}".experiments DROP CONSTRAINT experiments_pkey, ADD PRIMARY KEY (experiment_id), ADD CONSTRAINT experiments_name_key UNIQUE (name)`);
    await runner.query(`ALTER TABLE "${s}".runs ADD CONSTRAINT runs_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES "${s}".experiments (experiment_id)`);
    await runner.query(`CREATE INDEX runs_by_experiment ON "${s}".runs (experiment_id, start_time DESC)`);
    await runner.query(stage('runs'));
    await runner.query(`ALTER TABLE "${s}".runs ADD COLUMN user_id text NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`ALTER TABLE "${s}".runs DROP COLUMN user_id, DROP COLUMN lifecycle_stage, ADD COLUMN experiment text`);
    await runner.query(`UPDATE "${s}".runs r SET experiment = e.name FROM "${s}".experiments e WHERE e.experiment_id = r.experiment_id`);
    await runner.query(`ALTER TABLE "${s}".runs DROP COLUMN experiment_id, ALTER COLUMN experiment SET NOT NULL`);
    await runner.query(`ALTER TABLE "${s}".experiments DROP CONSTRAINT experiments_pkey, DROP CONSTRAINT experiments_name_key, ADD PRIMARY KEY (name)`);
    await runner.query(`ALTER TABLE "${s}".runs ADD FOREIGN KEY (experiment) REFERENCES "${s}".experiments (name)`);
    await runner.query(`CREATE INDEX runs_by_experiment ON "${s}".runs (experiment, start_time DESC)`);
    await runner.query(`ALTER TABLE "${s}".experiments DROP COLUMN experiment_id, DROP COLUMN lifecycle_stage, DROP COLUMN last_update_time`);
  }
}

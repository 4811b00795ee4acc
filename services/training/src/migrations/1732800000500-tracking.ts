import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Tracking1732800000500 implements MigrationInterface {
  name = 'Tracking1732800000500';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`CREATE TABLE "${s}".experiments (name text PRIMARY KEY, tags jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`
      CREATE TABLE "${s}".runs (
        run_id uuid PRIMARY KEY,
        experiment text NOT NULL REFERENCES "${s}".experiments (name),
        run_name text NOT NULL,
        status text NOT NULL,
        start_time bigint NOT NULL,
        end_time bigint,
        tags jsonb NOT NULL DEFAULT '{}',
        reproducibility jsonb NOT NULL DEFAULT '{}'
      )`);
    await runner.query(`CREATE INDEX runs_by_experiment ON "${s}".runs (experiment, start_time DESC)`);
    await runner.query(`CREATE TABLE "${s}".params (run_id uuid NOT NULL REFERENCES "${s}".runs (run_id), key text NOT NULL, value text NOT NULL, PRIMARY KEY (run_id, key))`);
    // Every logged value of every metric series; the latest per key is kept beside it for search.
    await runner.query(`
      CREATE TABLE "${s}".metrics (
        run_id uuid NOT NULL,
        key text NOT NULL,
        step bigint NOT NULL,
        ts bigint NOT NULL,
        value double precision NOT NULL
      )`);
    await runner.query(`CREATE INDEX metrics_by_run_key ON "${s}".metrics (run_id, key, step, ts)`);
    await runner.query(`
      CREATE TABLE "${s}".latest_metrics (
        run_id uuid NOT NULL REFERENCES "${s}".runs (run_id),
        key text NOT NULL,
        step bigint NOT NULL,
        ts bigint NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (run_id, key)
      )`);
    await runner.query(`CREATE INDEX latest_metrics_by_key_value ON "${s}".latest_metrics (key, value)`);
    await runner.query(`
      CREATE TABLE "${s}".run_artifacts (
        run_id uuid NOT NULL REFERENCES "${s}".runs (run_id),
        path text NOT NULL,
        sha256 text NOT NULL,
        size bigint NOT NULL,
        PRIMARY KEY (run_id, path)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const t of ['run_artifacts', 'latest_metrics', 'metrics', 'params', 'runs', 'experiments']) await runner.query(`DROP TABLE "${s}".${t}`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * The late-label join and the labelled windows in Postgres instead of each process's memory, so
 * that replicas share them: a label usually reaches another replica than its prediction, and a
 * replica that dies leaves its joined rows to the others. UNLOGGED: they are statistics in flight
 * (lost only if Postgres itself crashes), not records.
 */
export class SharedLabelJoin1733200000100 implements MigrationInterface {
  name = 'SharedLabelJoin1733200000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    // One row per (model, request, row): the prediction side, the label side, and `joined` once
    // both met (kept until it expires, so a redelivered side finds it and is not joined twice).
    await runner.query(`
      CREATE UNLOGGED TABLE "${s}".label_join (
        model_name text NOT NULL,
        request_id text NOT NULL,
        "row" int NOT NULL,
        version int,
        prediction double precision,
        score double precision,
        served_at_ms bigint,
        label double precision,
        joined boolean NOT NULL DEFAULT false,
        touched_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_name, request_id, "row")
      )`);
    await runner.query(`CREATE INDEX label_join_touched ON "${s}".label_join (model_name, touched_at)`);
    // The labelled predictions of each model, newest last (trimmed to its label window).
    await runner.query(`
      CREATE UNLOGGED TABLE "${s}".labelled_predictions (
        id bigserial PRIMARY KEY,
        model_name text NOT NULL,
        version int NOT NULL,
        request_id text NOT NULL,
        "row" int NOT NULL,
        prediction double precision NOT NULL,
        score double precision,
        label double precision NOT NULL,
        served_at_ms bigint NOT NULL
      )`);
    await runner.query(`CREATE INDEX labelled_predictions_window ON "${s}".labelled_predictions (model_name, version, id)`);
    await runner.query(`CREATE INDEX labelled_predictions_model ON "${s}".labelled_predictions (model_name, id)`);
    // Labelled rows since the window was last judged, per model and version.
    await runner.query(`
      CREATE TABLE "${s}".label_windows (
        model_name text NOT NULL,
        version int NOT NULL,
        since_evaluation int NOT NULL DEFAULT 0,
        PRIMARY KEY (model_name, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP TABLE "${s}".label_windows`);
    await runner.query(`DROP TABLE "${s}".labelled_predictions`);
    await runner.query(`DROP TABLE "${s}".label_join`);
  }
}

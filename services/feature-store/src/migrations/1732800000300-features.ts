import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Features1732800000300 implements MigrationInterface {
  name = 'Features1732800000300';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".feature_views (
        name text NOT NULL,
        version int NOT NULL,
        spec jsonb NOT NULL,
        entity_column text NOT NULL,
        feature_names jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, version)
      )`);
    // The feature store's own copy of accepted records: the history windows and backfills read.
    await runner.query(`
      CREATE TABLE "${s}".source_rows (
        dataset text NOT NULL,
        record_id text NOT NULL,
        entity_key text NOT NULL,
        event_time timestamptz NOT NULL,
        fields jsonb NOT NULL,
        PRIMARY KEY (dataset, record_id)
      )`);
    await runner.query(`CREATE INDEX source_rows_by_entity_time ON "${s}".source_rows (dataset, entity_key, event_time)`);
    await runner.query(`
      CREATE TABLE "${s}".online_features (
        view text NOT NULL,
        version int NOT NULL,
        entity_key text NOT NULL,
        "values" jsonb NOT NULL,
        event_time timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (view, version, entity_key)
      )`);
    await runner.query(`
      CREATE TABLE "${s}".snapshots (
        id text PRIMARY KEY,
        view text NOT NULL,
        view_version int NOT NULL,
        dataset text NOT NULL,
        dataset_version int NOT NULL,
        dataset_hash text NOT NULL,
        row_count bigint NOT NULL,
        content_hash text NOT NULL,
        feature_names jsonb NOT NULL,
        profiles jsonb NOT NULL,
        requested_by text NOT NULL,
        build_ms bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".snapshot_rows (
        snapshot_id text NOT NULL REFERENCES "${s}".snapshots (id),
        idx int NOT NULL,
        entity_key text NOT NULL,
        ts bigint NOT NULL,
        "values" jsonb NOT NULL,
        label jsonb,
        PRIMARY KEY (snapshot_id, idx)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['snapshot_rows', 'snapshots', 'online_features', 'source_rows', 'feature_views']) await runner.query(`DROP TABLE "${s}".${table}`);
  }
}

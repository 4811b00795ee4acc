import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Ingestion1732800000200 implements MigrationInterface {
  name = 'Ingestion1732800000200';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".datasets (
        name text PRIMARY KEY,
        schema_version int NOT NULL,
        record_count bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".dataset_schemas (
        dataset text NOT NULL REFERENCES "${s}".datasets (name),
        schema_version int NOT NULL,
        spec jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, schema_version)
      )`);
    // The offline store: append-only (see the trigger), one row per record id.
    await runner.query(`
      CREATE TABLE "${s}".records (
        dataset text NOT NULL,
        record_id text NOT NULL,
        seq bigserial NOT NULL,
        schema_version int NOT NULL,
        entity_key text NOT NULL,
        event_time timestamptz NOT NULL,
        fields jsonb NOT NULL,
        kafka_partition int,
        kafka_offset bigint,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, record_id)
      )`);
    await runner.query(`CREATE INDEX records_by_entity_time ON "${s}".records (dataset, entity_key, event_time)`);
    await runner.query(`CREATE INDEX records_by_seq ON "${s}".records (dataset, seq)`);
    await runner.query(`
      CREATE FUNCTION "${s}".records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the offline store is append-only'; END $$`);
    await runner.query(`
      CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON "${s}".records
      FOR EACH ROW EXECUTE FUNCTION "${s}".records_append_only()`);
    await runner.query(`
      CREATE TABLE "${s}".rejected_records (
        id bigserial PRIMARY KEY,
        dataset text NOT NULL,
        reason_code text NOT NULL,
        reason text NOT NULL,
        payload bytea NOT NULL,
        source text NOT NULL,
        source_key text UNIQUE,
        rejected_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX rejected_by_dataset ON "${s}".rejected_records (dataset, id DESC)`);
    await runner.query(`
      CREATE TABLE "${s}".dataset_versions (
        dataset text NOT NULL REFERENCES "${s}".datasets (name),
        version int NOT NULL,
        name text,
        max_seq bigint NOT NULL,
        row_count bigint NOT NULL,
        min_event_time timestamptz,
        max_event_time timestamptz,
        content_hash text NOT NULL,
        schema_version int NOT NULL,
        offsets jsonb NOT NULL,
        trigger text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, version),
        UNIQUE (dataset, name)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['dataset_versions', 'rejected_records', 'records', 'dataset_schemas', 'datasets']) {
      await runner.query(`DROP TABLE "${s}".${table}`);
    }
    await runner.query(`DROP FUNCTION "${s}".records_append_only()`);
  }
}

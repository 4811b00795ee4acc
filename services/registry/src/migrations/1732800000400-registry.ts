import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Registry1732800000400 implements MigrationInterface {
  name = 'Registry1732800000400';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".registered_models (
        name text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        tags jsonb NOT NULL DEFAULT '{}',
        promotion_policy text NOT NULL,
        latest_version int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".artifacts (
        sha256 text PRIMARY KEY,
        size bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".model_versions (
        model_name text NOT NULL REFERENCES "${s}".registered_models (name),
        version int NOT NULL,
        status text NOT NULL,
        status_message text NOT NULL DEFAULT '',
        artifact_sha256 text NOT NULL,
        artifact_size bigint NOT NULL DEFAULT 0,
        signature jsonb NOT NULL,
        lineage jsonb NOT NULL,
        metrics jsonb NOT NULL DEFAULT '{}',
        description text NOT NULL DEFAULT '',
        tags jsonb NOT NULL DEFAULT '{}',
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_name, version)
      )`);
    await runner.query(`
      CREATE TABLE "${s}".aliases (
        model_name text NOT NULL REFERENCES "${s}".registered_models (name),
        alias text NOT NULL,
        version int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_name, alias),
        FOREIGN KEY (model_name, version) REFERENCES "${s}".model_versions (model_name, version)
      )`);
    await runner.query(`
      CREATE TABLE "${s}".approvals (
        model_name text NOT NULL,
        version int NOT NULL,
        alias text NOT NULL,
        approved_by text NOT NULL,
        reason text NOT NULL DEFAULT '',
        approved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_name, version, alias),
        FOREIGN KEY (model_name, version) REFERENCES "${s}".model_versions (model_name, version)
      )`);
    // Who did what, when and why: append-only, enforced by the database.
    await runner.query(`
      CREATE TABLE "${s}".audit_log (
        id bigserial PRIMARY KEY,
        actor text NOT NULL,
        action text NOT NULL,
        model_name text NOT NULL DEFAULT '',
        details jsonb NOT NULL DEFAULT '{}',
        correlation_id text NOT NULL DEFAULT '',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX audit_by_model ON "${s}".audit_log (model_name, id DESC)`);
    await runner.query(`CREATE FUNCTION "${s}".audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`);
    await runner.query(`CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "${s}".audit_log FOR EACH ROW EXECUTE FUNCTION "${s}".audit_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['audit_log', 'approvals', 'aliases', 'model_versions', 'artifacts', 'registered_models']) await runner.query(`DROP TABLE "${s}".${table}`);
    await runner.query(`DROP FUNCTION "${s}".audit_append_only()`);
  }
}

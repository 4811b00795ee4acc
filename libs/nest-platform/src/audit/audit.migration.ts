import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** The audit log of the service that runs it: append-only (a trigger refuses UPDATE, DELETE, TRUNCATE). */
export class AuditRecords1733100000000 implements MigrationInterface {
  name = 'AuditRecords1733100000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".audit_records (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        principal text NOT NULL,
        roles text[] NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        request_id text NOT NULL,
        token_id text NOT NULL,
        peer text NOT NULL,
        request_json text NOT NULL
      )`);
    await runner.query(`CREATE INDEX audit_records_principal ON "${s}".audit_records (principal, id)`);
    await runner.query(`
      CREATE FUNCTION "${s}".audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP;
      END $$`);
    await runner.query(`CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON "${s}".audit_records FOR EACH ROW EXECUTE FUNCTION "${s}".audit_records_append_only()`);
    await runner.query(`CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON "${s}".audit_records FOR EACH STATEMENT EXECUTE FUNCTION "${s}".audit_records_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP TABLE "${s}".audit_records`);
    await runner.query(`DROP FUNCTION "${s}".audit_records_append_only()`);
  }
}

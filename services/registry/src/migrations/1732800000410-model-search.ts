import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * For MLflow's registry API: when models and versions last changed (last_updated_timestamp),
 * renames that carry versions, aliases and approvals along (the foreign keys cascade on update;
 * aliases reach the model through their version, so the name changes along one path only), and
 * indexes for the searches' common lookups.
 */
export class ModelSearch1732800000410 implements MigrationInterface {
  name = 'ModelSearch1732800000410';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['registered_models', 'model_versions']) {
      await runner.query(`ALTER TABLE "${s}".${table} ADD COLUMN updated_at timestamptz`);
      await runner.query(`UPDATE "${s}".${table} SET updated_at = created_at`);
      await runner.query(`ALTER TABLE "${s}".${table} ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now()`);
    }
    await runner.query(`ALTER TABLE "${s}".aliases DROP CONSTRAINT aliases_model_name_fkey`);
    await this.recreate(runner, s, 'model_versions', 'model_versions_model_name_fkey', '(model_name) REFERENCES "$S".registered_models (name) ON UPDATE CASCADE');
    await this.recreate(runner, s, 'aliases', 'aliases_model_name_version_fkey', '(model_name, version) REFERENCES "$S".model_versions (model_name, version) ON UPDATE CASCADE');
    await this.recreate(runner, s, 'approvals', 'approvals_model_name_version_fkey', '(model_name, version) REFERENCES "$S".model_versions (model_name, version) ON UPDATE CASCADE');
    await runner.query(`CREATE INDEX model_versions_by_run ON "${s}".model_versions ((lineage ->> 'runId'))`);
    await runner.query(`CREATE INDEX model_versions_by_update ON "${s}".model_versions (updated_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".model_versions_by_update`);
    await runner.query(`DROP INDEX "${s}".model_versions_by_run`);
    await this.recreate(runner, s, 'approvals', 'approvals_model_name_version_fkey', '(model_name, version) REFERENCES "$S".model_versions (model_name, version)');
    await this.recreate(runner, s, 'aliases', 'aliases_model_name_version_fkey', '(model_name, version) REFERENCES "$S".model_versions (model_name, version)');
    await this.recreate(runner, s, 'model_versions', 'model_versions_model_name_fkey', '(model_name) REFERENCES "$S".registered_models (name)');
    await runner.query(`ALTER TABLE "${s}".aliases ADD CONSTRAINT aliases_model_name_fkey FOREIGN KEY (model_name) REFERENCES "${s}".registered_models (name)`);
    for (const table of ['registered_models', 'model_versions']) await runner.query(`ALTER TABLE "${s}".${table} DROP COLUMN updated_at`);
  }

  private async recreate(runner: QueryRunner, s: string, table: string, constraint: string, definition: string): Promise<void> {
    await runner.query(`ALTER TABLE "${s}".${table} DROP CONSTRAINT ${constraint}, ADD CONSTRAINT ${constraint} FOREIGN KEY ${definition.replace('$S', s)}`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class ServiceInstances1732800000100 implements MigrationInterface {
  name = 'ServiceInstances1732800000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".service_instances (
        instance_id text PRIMARY KEY,
        service text NOT NULL,
        version text NOT NULL,
        host text NOT NULL,
        started_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX service_instances_by_service ON "${s}".service_instances (service, started_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${schemaOf(runner.connection)}".service_instances`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Jobs1732800000600 implements MigrationInterface {
  name = 'Jobs1732800000600';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    // A training job is a persisted state machine: queued → running → succeeded | failed.
    await runner.query(`
      CREATE TABLE "${s}".jobs (
        job_id uuid PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        spec jsonb NOT NULL,
        status text NOT NULL,
        status_message text NOT NULL DEFAULT '',
        outcome jsonb,
        worker text,
        heartbeat_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await runner.query(`CREATE INDEX jobs_queued ON "${s}".jobs (created_at) WHERE status = 'queued'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${schemaOf(runner.connection)}".jobs`);
  }
}

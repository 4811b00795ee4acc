import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Deployments1732800000700 implements MigrationInterface {
  name = 'Deployments1732800000700';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".deployment_policies (
        model_name text PRIMARY KEY,
        policy jsonb NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".deployments (
        id uuid PRIMARY KEY,
        model_name text NOT NULL,
        strategy text NOT NULL,
        state text NOT NULL,
        phase text NOT NULL,
        stable_version int NOT NULL,
        candidate_version int NOT NULL,
        -- What the candidate predicts (how its outputs are compared): classification or regression.
        task text NOT NULL,
        weight double precision NOT NULL,
        mirror_percent double precision NOT NULL,
        step int NOT NULL DEFAULT 0,
        failed_checks int NOT NULL DEFAULT 0,
        "window" int NOT NULL DEFAULT 1,
        reason text NOT NULL DEFAULT '',
        policy jsonb NOT NULL,
        started_by text NOT NULL,
        -- What started it (e.g. the registered version); a replayed trigger finds its deployment.
        trigger_key text UNIQUE,
        correlation_id text NOT NULL DEFAULT '',
        next_analysis_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one rollout per model at a time, enforced by the database.
    await runner.query(`CREATE UNIQUE INDEX one_active_deployment_per_model ON "${s}".deployments (model_name)
      WHERE state IN ('progressing', 'paused', 'promoting', 'awaiting_promotion')`);
    await runner.query(`CREATE INDEX deployments_by_model ON "${s}".deployments (model_name, created_at DESC)`);
    // Rollouts that could not start yet (the registry away, another rollout promoting): the
    // scheduler retries them, so a registration event is never lost to a transient failure.
    await runner.query(`
      CREATE TABLE "${s}".deployment_queue (
        trigger_key text PRIMARY KEY,
        model_name text NOT NULL,
        version int NOT NULL,
        started_by text NOT NULL,
        reason text NOT NULL,
        correlation_id text NOT NULL DEFAULT '',
        attempts int NOT NULL DEFAULT 0,
        last_error text NOT NULL DEFAULT '',
        not_before timestamptz NOT NULL DEFAULT now(),
        queued_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".analyses (
        deployment_id uuid NOT NULL REFERENCES "${s}".deployments (id),
        number int NOT NULL,
        phase text NOT NULL,
        step int NOT NULL,
        weight double precision NOT NULL,
        candidate_requests bigint NOT NULL,
        stable_requests bigint NOT NULL,
        checks jsonb NOT NULL,
        verdict text NOT NULL,
        action text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (deployment_id, number)
      )`);
    // Each serving process's cumulative measurements of one window, replaced on every flush;
    // an analysis adds up the rows of all processes.
    await runner.query(`
      CREATE TABLE "${s}".window_stats (
        deployment_id uuid NOT NULL REFERENCES "${s}".deployments (id),
        "window" int NOT NULL,
        instance_id text NOT NULL,
        role text NOT NULL,
        stats jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (deployment_id, "window", instance_id, role)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['deployment_queue', 'window_stats', 'analyses', 'deployments', 'deployment_policies']) await runner.query(`DROP TABLE "${s}".${table}`);
  }
}

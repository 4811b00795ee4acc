import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

export class Drift1732800000800 implements MigrationInterface {
  name = 'Drift1732800000800';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".monitoring_policies (
        model_name text PRIMARY KEY,
        policy jsonb NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The latest evaluation per model (reports are recomputed every few hundred rows).
    await runner.query(`
      CREATE TABLE "${s}".drift_reports (
        model_name text PRIMARY KEY,
        report jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Hysteresis and cooldown state per model, shared by replicas (locked while deciding).
    await runner.query(`
      CREATE TABLE "${s}".alert_states (
        model_name text PRIMARY KEY,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${s}".alerts (
        alert_id uuid PRIMARY KEY,
        model_name text NOT NULL,
        version int NOT NULL,
        kind text NOT NULL,
        drifted_share double precision NOT NULL,
        features jsonb NOT NULL,
        retrain_requested boolean NOT NULL,
        correlation_id text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX alerts_by_model ON "${s}".alerts (model_name, raised_at DESC)`);
    // Steps of the loop's sagas, one per event, found by correlation id.
    await runner.query(`
      CREATE TABLE "${s}".timeline_steps (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        correlation_id text NOT NULL,
        service text NOT NULL,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        model_name text NOT NULL,
        version int NOT NULL,
        summary text NOT NULL,
        details jsonb NOT NULL
      )`);
    await runner.query(`CREATE INDEX timeline_by_correlation ON "${s}".timeline_steps (correlation_id, at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    for (const table of ['timeline_steps', 'alerts', 'alert_states', 'drift_reports', 'monitoring_policies']) await runner.query(`DROP TABLE "${s}".${table}`);
  }
}

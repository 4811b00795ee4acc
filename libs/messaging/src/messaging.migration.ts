import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** The outbox and processed-event tables, in the schema of the service that runs it. */
export class MessagingTables1732800000000 implements MigrationInterface {
  name = 'MessagingTables1732800000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`
      CREATE TABLE "${s}".outbox_events (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        topic text NOT NULL,
        key text,
        value bytea NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    // Payloads are protobuf (already compact): skip TOAST compression, which only costs CPU.
    await runner.query(`ALTER TABLE "${s}".outbox_events ALTER COLUMN value SET STORAGE EXTERNAL`);
    await runner.query(`CREATE INDEX outbox_events_unpublished ON "${s}".outbox_events (seq) WHERE published_at IS NULL`);
    await runner.query(`
      CREATE TABLE "${s}".processed_events (
        consumer_group text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP TABLE "${s}".processed_events`);
    await runner.query(`DROP TABLE "${s}".outbox_events`);
  }
}

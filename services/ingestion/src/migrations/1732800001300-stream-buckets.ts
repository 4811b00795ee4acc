import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * Each dataset's accepted-records layout: its number of entity buckets, fixed at registration
 * to the topic's partition count then (libs/messaging buckets.ts). Datasets registered before
 * get 0, the layout they were published with (12 keys placed by the default partitioner), so
 * no entity's records change partition, and order, across this release.
 */
export class StreamBuckets1732800001300 implements MigrationInterface {
  name = 'StreamBuckets1732800001300';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`ALTER TABLE "${s}".datasets ADD COLUMN stream_buckets int NOT NULL DEFAULT 0 CHECK (stream_buckets >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`ALTER TABLE "${s}".datasets DROP COLUMN stream_buckets`);
  }
}

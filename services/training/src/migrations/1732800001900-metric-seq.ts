import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** Every metric value gets a serial number: the tie-breaker that lets a metric history be read in
 * pages (keyset step, timestamp, seq) however many values share a step and a timestamp. */
export class MetricSeq1732800001900 implements MigrationInterface {
  name = 'MetricSeq1732800001900';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`ALTER TABLE "${s}".metrics ADD COLUMN seq bigserial`);
    await runner.query(`DROP INDEX "${s}".metrics_by_run_key`);
    await runner.query(`CREATE INDEX metrics_by_run_key ON "${s}".metrics (run_id, key, step, ts, seq)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".metrics_by_run_key`);
    await runner.query(`ALTER TABLE "${s}".metrics DROP COLUMN seq`);
    await runner.query(`CREATE INDEX metrics_by_run_key ON "${s}".metrics (run_id, key, step, ts)`);
  }
}

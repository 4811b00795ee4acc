import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/** `awaiting_approval` is an active state too: still at most one active rollout per model. */
export class AwaitingApproval1733100002000 implements MigrationInterface {
  name = 'AwaitingApproval1733100002000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".one_active_deployment_per_model`);
    await runner.query(`CREATE UNIQUE INDEX one_active_deployment_per_model ON "${s}".deployments (model_name)
      WHERE state IN ('progressing', 'paused', 'promoting', 'awaiting_promotion', 'awaiting_approval')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection);
    await runner.query(`DROP INDEX "${s}".one_active_deployment_per_model`);
    await runner.query(`CREATE UNIQUE INDEX one_active_deployment_per_model ON "${s}".deployments (model_name)
      WHERE state IN ('progressing', 'paused', 'promoting', 'awaiting_promotion')`);
  }
}

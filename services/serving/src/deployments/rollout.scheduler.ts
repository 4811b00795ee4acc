import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { sleep } from '@mlops/messaging';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { DeploymentsService } from './deployments.service';
import { RolloutStarter } from './rollout-starter';

/**
 * Drives deployments forward: every SERVING_SCHEDULER_TICK_MS it analyses those whose interval
 * is over, completes promotions and retries queued starts. Everything it decides is read from
 * and written to Postgres, so a restarted process (or another replica) carries on where this
 * one stopped.
 */
@Injectable()
export class RolloutScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly deployments: DeploymentsService,
    private readonly starter: RolloutStarter,
    private readonly logger: JsonLogger,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.deployments.analyseDue();
        await this.deployments.releaseApproved();
        await this.deployments.completePromotions();
        await this.starter.startQueued();
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 20 === 0) this.logger.warn('rollout scheduler failed, retrying', { error, attempt: failures });
      }
      await sleep(failures > 0 ? Math.min(5000, this.config.schedulerTickMs * 2 ** failures) : this.config.schedulerTickMs);
    }
  }
}

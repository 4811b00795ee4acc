import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { Outbox, OutboxRelay } from '@mlops/messaging';
import { INSTANCE } from './instance';
import { PLATFORM_CONFIG, type PlatformConfig } from './platform-config';

/** Announces each start with a ServiceStarted event, through the outbox like every event. */
@Injectable()
export class ServiceAnnouncer implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.outbox.enqueue(
        manager,
        Topics.serviceStarted,
        { service: this.config.service, instanceId: INSTANCE.id, version: this.config.version, host: INSTANCE.host, startedAtMs: INSTANCE.startedAtMs },
        { key: this.config.service },
      ),
    );
    this.relay.nudge();
  }
}

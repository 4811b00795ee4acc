import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { RolloutStarter } from '../rollout-starter';

/** A version registered in the registry starts its model's configured rollout. */
@Injectable()
export class VersionRegisteredConsumer {
  constructor(private readonly starter: RolloutStarter) {}

  @HandleEvent(Topics.modelVersionRegistered)
  async onVersionRegistered(event: ConsumedEvent<events.ModelVersionRegistered>): Promise<void> {
    await this.starter.onVersionRegistered(event.payload.modelName, event.payload.version);
  }
}

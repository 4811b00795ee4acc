import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { ModelStore } from '../../models/model-store';

/** The registry moved an alias: requests without a version follow the new production version. */
@Injectable()
export class AliasChangedConsumer {
  constructor(private readonly models: ModelStore) {}

  @HandleEvent(Topics.aliasChanged)
  async onAliasChanged(event: ConsumedEvent<events.AliasChanged>): Promise<void> {
    if (event.payload.alias === 'production') this.models.forgetProduction(event.payload.modelName);
  }
}

import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { DriftService } from '../drift.service';

/** A new production version brings its own training data as the reference. */
@Injectable()
export class AliasChangedConsumer {
  constructor(private readonly drift: DriftService) {}

  @HandleEvent(Topics.aliasChanged)
  async onAliasChanged(event: ConsumedEvent<events.AliasChanged>): Promise<void> {
    if (event.payload.alias === 'production') this.drift.onProductionChanged(event.payload.modelName);
  }
}

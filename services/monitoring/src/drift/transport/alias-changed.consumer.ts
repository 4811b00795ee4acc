import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { DriftService } from '../drift.service';

/** A new production version brings its own training data as the reference, and its own test
 * metrics as the baseline (its labelled window is its own: windows are per version). */
@Injectable()
export class AliasChangedConsumer {
  constructor(private readonly drift: DriftService) {}

  @HandleEvent(Topics.aliasChanged)
  async onAliasChanged(event: ConsumedEvent<events.AliasChanged>): Promise<void> {
    if (event.payload.alias !== 'production') return;
    this.drift.onProductionChanged(event.payload.modelName);
  }
}

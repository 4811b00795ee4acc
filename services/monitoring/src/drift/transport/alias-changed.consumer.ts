import { Injectable } from '@nestjs/common';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { PerformanceService } from '../../performance/performance.service';
import { DriftService } from '../drift.service';

/** A new production version brings its own training data as the reference, and its own test metrics as the baseline. */
@Injectable()
export class AliasChangedConsumer {
  constructor(
    private readonly drift: DriftService,
    private readonly performance: PerformanceService,
  ) {}

  @HandleEvent(Topics.aliasChanged)
  async onAliasChanged(event: ConsumedEvent<events.AliasChanged>): Promise<void> {
    if (event.payload.alias !== 'production') return;
    this.drift.onProductionChanged(event.payload.modelName);
    await this.performance.onProductionChanged(event.payload.modelName);
  }
}

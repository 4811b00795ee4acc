import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Topics, type events, plainFields } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { FeatureViewsService } from '../../feature-views/feature-views.service';
import { OnlineStoreService } from '../../online/online-store.service';

/** Materializes ingestion's accepted records: the source copy and the online values, once per event. */
@Injectable()
export class RecordsAcceptedConsumer {
  constructor(
    private readonly online: OnlineStoreService,
    private readonly views: FeatureViewsService,
  ) {}

  @HandleEvent(Topics.recordsAccepted)
  async onRecordsAccepted(event: ConsumedEvent<events.RecordsAccepted>, manager: EntityManager): Promise<void> {
    const { dataset, records } = event.payload;
    const rows = records.map((r) => ({ recordId: r.recordId, entityKey: r.entityKey, eventTimeMs: r.eventTimeMs, fields: plainFields(r.fields) }));
    await this.online.ingest(manager, dataset, rows, (view) => this.views.compile(view));
  }
}

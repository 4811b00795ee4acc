import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { ServiceInstancesService } from '../service-instances.service';

@Injectable()
export class ServiceStartedConsumer {
  constructor(private readonly instances: ServiceInstancesService) {}

  @HandleEvent(Topics.serviceStarted)
  async onServiceStarted(event: ConsumedEvent<events.ServiceStarted>, manager: EntityManager): Promise<void> {
    await this.instances.recordStart(manager, event.payload);
  }
}

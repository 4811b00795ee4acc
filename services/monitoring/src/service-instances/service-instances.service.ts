import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { events } from '@mlops/contracts';
import { JsonLogger } from '@mlops/observability';
import type { ServiceInstanceEntity } from './service-instance.entity';
import { ServiceInstancesRepository } from './service-instances.repository';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The fleet view: which service processes started, when, and with which version. */
@Injectable()
export class ServiceInstancesService {
  constructor(
    private readonly repository: ServiceInstancesRepository,
    private readonly logger: JsonLogger,
  ) {}

  async recordStart(manager: EntityManager, started: events.ServiceStarted): Promise<void> {
    await this.repository.insert(manager, {
      instanceId: started.instanceId,
      service: started.service,
      version: started.version,
      host: started.host,
      startedAt: new Date(started.startedAtMs),
    });
    this.logger.info('service instance recorded', { service: started.service, instanceId: started.instanceId });
  }

  async list(service: string, limit: number): Promise<ServiceInstanceEntity[]> {
    const take = limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
    return this.repository.list(service || undefined, take);
  }
}

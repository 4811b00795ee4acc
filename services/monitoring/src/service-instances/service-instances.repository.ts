import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ServiceInstanceEntity } from './service-instance.entity';

@Injectable()
export class ServiceInstancesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the instance; a second announcement of the same instance changes nothing. */
  async insert(manager: EntityManager, instance: Omit<ServiceInstanceEntity, 'recordedAt'>): Promise<void> {
    await manager.createQueryBuilder().insert().into(ServiceInstanceEntity).values(instance).orIgnore().execute();
  }

  async list(service: string | undefined, limit: number): Promise<ServiceInstanceEntity[]> {
    return this.dataSource.getRepository(ServiceInstanceEntity).find({
      where: service ? { service } : {},
      order: { startedAt: 'DESC' },
      take: limit,
    });
  }
}

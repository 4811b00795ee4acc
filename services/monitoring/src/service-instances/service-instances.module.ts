import { Module } from '@nestjs/common';
import { ServiceInstancesRepository } from './service-instances.repository';
import { ServiceInstancesService } from './service-instances.service';
import { ServiceInstancesGrpcController } from './transport/service-instances.grpc-controller';
import { ServiceStartedConsumer } from './transport/service-started.consumer';

@Module({
  controllers: [ServiceInstancesGrpcController],
  providers: [ServiceInstancesRepository, ServiceInstancesService, ServiceStartedConsumer],
})
export class ServiceInstancesModule {}

import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { DriftModule } from './drift/drift.module';
import { ServiceInstancesModule } from './service-instances/service-instances.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), ServiceInstancesModule, DriftModule],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { DriftModule } from './drift/drift.module';
import { ServiceInstancesModule } from './service-instances/service-instances.module';
import { TimelineModule } from './timeline/timeline.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), ServiceInstancesModule, DriftModule, TimelineModule],
})
export class AppModule {}

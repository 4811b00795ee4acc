import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { ServiceInstancesModule } from './service-instances/service-instances.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), ServiceInstancesModule],
})
export class AppModule {}

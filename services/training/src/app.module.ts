import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { SERVICE } from './service.definition';
import { JobsModule } from './jobs/jobs.module';
import { TrackingModule } from './tracking/tracking.module';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), TrackingModule, JobsModule],
})
export class AppModule {}

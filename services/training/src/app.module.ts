import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { SERVICE } from './service.definition';
import { JobsModule } from './jobs/jobs.module';
import { TrainingSpecsModule } from './specs/training-specs.module';
import { TrackingModule } from './tracking/tracking.module';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), TrackingModule, JobsModule, TrainingSpecsModule],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { SpecScheduler } from './spec-scheduler';
import { TrainingSpecsRepository } from './training-specs.repository';
import { TrainingSpecsService } from './training-specs.service';
import { TrainingSpecsGrpcController } from './transport/training-specs.grpc-controller';

/** Training specs: named job templates, each with an optional schedule the service runs. */
@Module({
  imports: [JobsModule],
  controllers: [TrainingSpecsGrpcController],
  providers: [TrainingSpecsRepository, TrainingSpecsService, SpecScheduler],
})
export class TrainingSpecsModule {}

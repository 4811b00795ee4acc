import { Module } from '@nestjs/common';
import { TRAINING_CONFIG, loadTrainingConfig } from '../config/training.config';
import { TrackingModule } from '../tracking/tracking.module';
import { PlatformClients } from './clients/upstream.clients';
import { JobPipeline } from './job-pipeline';
import { JobRunner } from './job-runner';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { JobsGrpcController } from './transport/jobs.grpc-controller';
import { RunRequestedConsumer } from './transport/run-requested.consumer';

/** Training jobs: submission, the worker, and the pipeline from snapshot to ONNX artifact. */
@Module({
  imports: [TrackingModule],
  controllers: [JobsGrpcController],
  providers: [
    { provide: TRAINING_CONFIG, useFactory: () => loadTrainingConfig() },
    PlatformClients,
    JobPipeline,
    JobRunner,
    JobsRepository,
    JobsService,
    RunRequestedConsumer,
  ],
  exports: [JobsService, TRAINING_CONFIG],
})
export class JobsModule {}

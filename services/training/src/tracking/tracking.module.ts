import { Module } from '@nestjs/common';
import { ExperimentsRepository } from './experiments.repository';
import { ExperimentsService } from './experiments.service';
import { TrackingRepository } from './tracking.repository';
import { MetricAppender } from './metric-appender';
import { TrackingService } from './tracking.service';
import { ExperimentsGrpcController } from './transport/experiments.grpc-controller';
import { TrackingGrpcController } from './transport/tracking.grpc-controller';

/** Experiment tracking: experiments, runs, params, metric series, tags, artifacts, search. */
@Module({
  controllers: [ExperimentsGrpcController, TrackingGrpcController],
  providers: [ExperimentsRepository, ExperimentsService, TrackingRepository, MetricAppender, TrackingService],
  exports: [TrackingService],
})
export class TrackingModule {}

import { Module } from '@nestjs/common';
import { TrackingRepository } from './tracking.repository';
import { TrackingService } from './tracking.service';
import { TrackingGrpcController } from './transport/tracking.grpc-controller';

/** Experiment tracking: experiments, runs, params, metric series, tags, artifacts, search. */
@Module({
  controllers: [TrackingGrpcController],
  providers: [TrackingRepository, TrackingService],
  exports: [TrackingService],
})
export class TrackingModule {}

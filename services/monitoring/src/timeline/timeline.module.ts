import { Module } from '@nestjs/common';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';
import { TimelineConsumers } from './transport/timeline.consumers';
import { TimelineGrpcController } from './transport/timeline.grpc-controller';

/** The loop's sagas, step by step, by correlation id. */
@Module({
  controllers: [TimelineGrpcController],
  providers: [TimelineRepository, TimelineService, TimelineConsumers],
})
export class TimelineModule {}

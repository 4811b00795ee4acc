import { Module } from '@nestjs/common';
import { TrainingSpecsRepository } from './training-specs.repository';
import { TrainingSpecsService } from './training-specs.service';
import { TrainingSpecsGrpcController } from './transport/training-specs.grpc-controller';

/** Training specs: named job templates with an optional schedule (stored, not run). */
@Module({
  controllers: [TrainingSpecsGrpcController],
  providers: [TrainingSpecsRepository, TrainingSpecsService],
})
export class TrainingSpecsModule {}

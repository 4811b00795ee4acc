import { Module } from '@nestjs/common';
import { InferenceService } from './inference/inference.service';
import { InferenceGrpcController } from './inference/transport/inference.grpc-controller';
import { InferenceHttpController } from './inference/transport/inference.http-controller';
import { ModelStore } from './models/model-store';

/** Open Inference Protocol inference (gRPC and REST) on onnxruntime, models from the registry. */
@Module({
  controllers: [InferenceGrpcController, InferenceHttpController],
  providers: [ModelStore, InferenceService],
})
export class ServingModule {}

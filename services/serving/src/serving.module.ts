import { Module } from '@nestjs/common';
import { InferenceService } from './inference/inference.service';
import { InferenceGrpcController } from './inference/transport/inference.grpc-controller';
import { ModelStore } from './models/model-store';

/** Open Inference Protocol inference on onnxruntime, models from the registry. */
@Module({
  controllers: [InferenceGrpcController],
  providers: [ModelStore, InferenceService],
})
export class ServingModule {}

import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { inference } from '@mlops/contracts';
import { ReadinessService } from '@mlops/nest-platform';
import { ModelStore } from '../../models/model-store';
import { InferenceService } from '../inference.service';

/** inference.GRPCInferenceService: the Open Inference Protocol (KServe v2) over gRPC. */
@Controller()
export class InferenceGrpcController {
  constructor(
    private readonly inference: InferenceService,
    private readonly models: ModelStore,
    private readonly readiness: ReadinessService,
  ) {}

  @GrpcMethod('GRPCInferenceService', 'ServerLive')
  serverLive(): inference.ServerLiveResponse {
    return { live: true };
  }

  @GrpcMethod('GRPCInferenceService', 'ServerReady')
  serverReady(): inference.ServerReadyResponse {
    return { ready: this.readiness.ready };
  }

  @GrpcMethod('GRPCInferenceService', 'ModelReady')
  async modelReady(r: inference.ModelReadyRequest): Promise<inference.ModelReadyResponse> {
    return { ready: await this.models.isReady(r.name, r.version) };
  }

  @GrpcMethod('GRPCInferenceService', 'ServerMetadata')
  serverMetadata(): inference.ServerMetadataResponse {
    return { name: 'mlops-serving', version: '0.1.0', extensions: [] };
  }

  @GrpcMethod('GRPCInferenceService', 'ModelMetadata')
  async modelMetadata(r: inference.ModelMetadataRequest): Promise<inference.ModelMetadataResponse> {
    const model = await this.models.get(r.name, r.version);
    return { name: model.name, versions: await this.models.versions(model.name), platform: 'onnxruntime_onnx', inputs: model.inputs, outputs: model.outputs };
  }

  @GrpcMethod('GRPCInferenceService', 'ModelInfer')
  async modelInfer(r: inference.ModelInferRequest): Promise<inference.ModelInferResponse> {
    const response = await this.inference.infer({
      modelName: r.modelName,
      modelVersion: r.modelVersion,
      id: r.id,
      inputs: (r.inputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype, shape: (i.shape ?? []).map(Number), contents: i.contents })),
      outputs: r.outputs ?? [],
      rawInputContents: (r.rawInputContents ?? []).map((b) => Buffer.from(b)),
    });
    return { ...response, parameters: {}, outputs: response.outputs.map((o) => ({ ...o, parameters: {}, contents: o.contents as inference.InferTensorContents | undefined })) };
  }
}

import { Injectable } from '@nestjs/common';
import { type Metadata, type Server, type ServerUnaryCall, type ServiceDefinition, type sendUnaryData, status } from '@grpc/grpc-js';
import { inference } from '@mlops/contracts';
import { type MessageCodec, type PlainGrpcService, ReadinessService, Undecodable, toGrpcStatusError, unaryMethod } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { ModelStore } from '../../models/model-store';
import { TrafficRouter } from '../../routing/traffic-router';

const {
  ModelInferRequest,
  ModelInferResponse,
  ModelMetadataRequest,
  ModelMetadataResponse,
  ModelReadyRequest,
  ModelReadyResponse,
  ServerLiveRequest,
  ServerLiveResponse,
  ServerMetadataRequest,
  ServerMetadataResponse,
  ServerReadyRequest,
  ServerReadyResponse,
} = inference;

const unary = <Req, Res>(method: string, request: MessageCodec<Req>, response: MessageCodec<Res>) => unaryMethod('inference.GRPCInferenceService', method, request, response);

/** inference.GRPCInferenceService, built from the generated codecs of grpc_predict_v2.proto. */
const SERVICE = {
  ServerLive: unary('ServerLive', ServerLiveRequest, ServerLiveResponse),
  ServerReady: unary('ServerReady', ServerReadyRequest, ServerReadyResponse),
  ModelReady: unary('ModelReady', ModelReadyRequest, ModelReadyResponse),
  ServerMetadata: unary('ServerMetadata', ServerMetadataRequest, ServerMetadataResponse),
  ModelMetadata: unary('ModelMetadata', ModelMetadataRequest, ModelMetadataResponse),
  ModelInfer: unary('ModelInfer', ModelInferRequest, ModelInferResponse),
} satisfies ServiceDefinition;

const NO_CONTENTS: inference.InferTensorContents = { boolContents: [], intContents: [], int64Contents: [], uintContents: [], uint64Contents: [], fp32Contents: [], fp64Contents: [], bytesContents: [] };

/**
 * The Open Inference Protocol (KServe v2) over gRPC, as plain @grpc/grpc-js handlers on the
 * service's port: ModelInfer is the platform's hot path, and Nest's per-call pipeline
 * (observables, interceptors, filters) cost a measured share of its throughput. The handlers
 * stay thin: decode, call the router or the model store, map errors to statuses.
 */
@Injectable()
export class InferenceGrpcController implements PlainGrpcService {
  constructor(
    private readonly router: TrafficRouter,
    private readonly models: ModelStore,
    private readonly readiness: ReadinessService,
    private readonly logger: JsonLogger,
  ) {}

  register(server: Server): void {
    server.addService(SERVICE, {
      ServerLive: this.handle(async () => ({ live: true })),
      ServerReady: this.handle(async () => ({ ready: this.readiness.ready })),
      ModelReady: this.handle(async (r: inference.ModelReadyRequest) => ({ ready: await this.models.isReady(r.name, r.version) })),
      ServerMetadata: this.handle(async () => ({ name: 'mlops-serving', version: '0.1.0', extensions: [] })),
      ModelMetadata: this.handle((r: inference.ModelMetadataRequest) => this.modelMetadata(r)),
      ModelInfer: this.handle((r: inference.ModelInferRequest, md) => this.modelInfer(r, md)),
    });
  }

  private async modelMetadata(r: inference.ModelMetadataRequest): Promise<inference.ModelMetadataResponse> {
    const model = await this.models.resolve(r.name, r.version);
    return { name: model.name, versions: await this.models.versions(model.name), platform: 'onnxruntime_onnx', inputs: model.inputs, outputs: model.outputs };
  }

  private async modelInfer(r: inference.ModelInferRequest, md: Metadata): Promise<inference.ModelInferResponse> {
    const routingKey = r.parameters?.routing_key?.stringParam || (md.get('x-routing-key')[0] as string | undefined) || undefined;
    const response = await this.router.infer({
      modelName: r.modelName,
      modelVersion: r.modelVersion,
      id: r.id,
      inputs: r.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape, contents: i.contents })),
      outputs: r.outputs,
      rawInputContents: r.rawInputContents.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
      routingKey: typeof routingKey === 'string' ? routingKey : undefined,
    });
    return {
      modelName: response.modelName,
      modelVersion: response.modelVersion,
      id: response.id,
      parameters: {},
      outputs: response.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape, parameters: {}, contents: o.contents ? { ...NO_CONTENTS, ...o.contents } : undefined })),
      rawOutputContents: response.rawOutputContents,
    };
  }

  private handle<Req, Res>(fn: (request: Req, metadata: Metadata) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const request = call.request as unknown;
      if (request instanceof Undecodable) {
        callback({ code: status.INVALID_ARGUMENT, details: `the request is not a valid ${call.getPath().split('/').pop()} message: ${request.reason}` });
        return;
      }
      fn(call.request, call.metadata).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const refusal = toGrpcStatusError(error);
          if (refusal.message === 'internal error') this.logger.debug('inference call failed', { error: error instanceof Error ? error.message : String(error) });
          callback(refusal);
        },
      );
    };
  }
}

import { Injectable } from '@nestjs/common';
import { invalidArgument, resourceExhausted } from '@mlops/errors';
import { ModelStore } from '../models/model-store';
import { encodeOutput, type WireOutput } from './domain/outputs';
import { InferenceInputError, InferenceTooLargeError, type Tensor, type WireInput, checkSignature, decodeInput } from './domain/tensors';

export interface InferRequest {
  modelName: string;
  modelVersion: string;
  id: string;
  inputs: WireInput[];
  outputs: { name: string }[];
  rawInputContents: Buffer[];
}

export interface InferResponse {
  modelName: string;
  modelVersion: string;
  id: string;
  outputs: WireOutput[];
  rawOutputContents: Buffer[];
}

/** Open Inference Protocol inference on onnxruntime, checked against the version's signature. */
@Injectable()
export class InferenceService {
  constructor(private readonly models: ModelStore) {}

  async infer(request: InferRequest): Promise<InferResponse> {
    const model = await this.models.get(request.modelName, request.modelVersion);
    const raw = request.rawInputContents.length > 0;
    if (raw && request.rawInputContents.length !== request.inputs.length) {
      throw invalidArgument(`raw_input_contents has ${request.rawInputContents.length} entries for ${request.inputs.length} inputs`);
    }
    const inputs = this.decode(request, raw);
    try {
      checkSignature(inputs, model.inputs, `model "${model.name}" version ${model.version}`);
    } catch (error) {
      throw invalidArgument((error as Error).message);
    }
    const wanted = request.outputs.map((o) => o.name);
    const unknown = wanted.find((name) => !model.session.outputNames.includes(name));
    if (unknown) throw invalidArgument(`output "${unknown}" is not an output of model "${model.name}" (outputs: ${model.session.outputNames.join(', ')})`);
    // Merged with concurrent requests when the model batches; every output is computed either way.
    const results = model.batcher && inputs.every((t) => t.shape.length > 0 && t.shape[0] > 0) ? await model.batcher.infer(inputs) : await model.run(inputs);
    const encoded = (wanted.length > 0 ? wanted : model.session.outputNames).map((name) => encodeOutput(name, results[name] as never, raw));
    return {
      modelName: model.name,
      modelVersion: String(model.version),
      id: request.id,
      outputs: encoded.map((e) => e.output),
      rawOutputContents: raw ? encoded.map((e) => e.raw!) : [],
    };
  }

  private decode(request: InferRequest, raw: boolean): Tensor[] {
    try {
      return request.inputs.map((input, i) => decodeInput(input, raw ? request.rawInputContents[i] : undefined));
    } catch (error) {
      if (error instanceof InferenceTooLargeError) throw resourceExhausted(error.message);
      if (error instanceof InferenceInputError) throw invalidArgument(error.message);
      throw error;
    }
  }
}

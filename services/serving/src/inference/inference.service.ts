import { Injectable } from '@nestjs/common';
import { invalidArgument, resourceExhausted } from '@mlops/errors';
import type { LoadedModel } from '../models/loaded-model';
import type { BatchOutput } from './domain/batcher';
import { encodeOutput, type WireOutput } from './domain/outputs';
import { InferenceInputError, InferenceTooLargeError, type Tensor, type WireInput, checkSignature, decodeInput } from './domain/tensors';

export interface InferRequest {
  modelName: string;
  modelVersion: string;
  id: string;
  inputs: WireInput[];
  outputs: { name: string }[];
  rawInputContents: Buffer[];
  /** Keeps a caller on the same version during a rollout (parameter routing_key or x-routing-key). */
  routingKey?: string;
}

export interface InferResponse {
  modelName: string;
  modelVersion: string;
  id: string;
  outputs: WireOutput[];
  rawOutputContents: Buffer[];
}

export interface DecodedRequest {
  inputs: Tensor[];
  raw: boolean;
  wanted: string[];
}

/** Open Inference Protocol inference on onnxruntime, checked against the version's signature. */
@Injectable()
export class InferenceService {
  /** Decodes the request's tensors; the model is not needed for that. */
  decode(request: InferRequest): DecodedRequest {
    const raw = request.rawInputContents.length > 0;
    if (raw && request.rawInputContents.length !== request.inputs.length) {
      throw invalidArgument(`raw_input_contents has ${request.rawInputContents.length} entries for ${request.inputs.length} inputs`);
    }
    try {
      return { inputs: request.inputs.map((input, i) => decodeInput(input, raw ? request.rawInputContents[i] : undefined)), raw, wanted: request.outputs.map((o) => o.name) };
    } catch (error) {
      if (error instanceof InferenceTooLargeError) throw resourceExhausted(error.message);
      if (error instanceof InferenceInputError) throw invalidArgument(error.message);
      throw error;
    }
  }

  /** Checks the inputs against the version's signature and runs it (merged with concurrent
   * requests when it batches). Not async, to save a promise per request: a refused request
   * throws synchronously, which the awaiting caller sees the same way. */
  run(model: LoadedModel, request: DecodedRequest): Promise<Record<string, BatchOutput>> {
    try {
      checkSignature(request.inputs, model.inputs, `model "${model.name}" version ${model.version}`);
    } catch (error) {
      throw invalidArgument((error as Error).message);
    }
    const unknown = request.wanted.find((name) => !model.session.outputNames.includes(name));
    if (unknown) throw invalidArgument(`output "${unknown}" is not an output of model "${model.name}" (outputs: ${model.session.outputNames.join(', ')})`);
    const batched = model.batcher && request.inputs.every((t) => t.shape.length > 0 && t.shape[0] > 0);
    // Merging goes by rows of the first dimension, so every input must have as many.
    const rows = request.inputs[0]?.shape[0];
    const disagreeing = batched ? request.inputs.find((t) => t.shape[0] !== rows) : undefined;
    if (disagreeing) throw invalidArgument(`inputs disagree on the batch dimension: "${request.inputs[0].name}" has ${rows} rows, "${disagreeing.name}" has ${disagreeing.shape[0]}`);
    return batched ? model.batcher!.infer(request.inputs) : model.run(request.inputs);
  }

  encode(model: LoadedModel, request: DecodedRequest, results: Record<string, BatchOutput>, id: string): InferResponse {
    const names = request.wanted.length > 0 ? request.wanted : model.session.outputNames;
    const encoded = names.map((name) => encodeOutput(name, results[name] as never, request.raw));
    return {
      modelName: model.name,
      modelVersion: String(model.version),
      id,
      outputs: encoded.map((e) => e.output),
      rawOutputContents: request.raw ? encoded.map((e) => e.raw!) : [],
    };
  }
}

/**
 * Open Inference Protocol tensors: decoding request inputs (typed contents or raw bytes),
 * checking them against a model's signature, and encoding outputs. Every problem is an
 * InferenceInputError naming the tensor and what was expected; nothing here throws otherwise.
 */
export type Datatype = 'FP32' | 'FP64' | 'INT32' | 'INT64' | 'BOOL' | 'BYTES';
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | boolean[] | string[];

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface WireContents {
  boolContents?: boolean[];
  intContents?: number[];
  int64Contents?: number[];
  fp32Contents?: number[];
  fp64Contents?: number[];
  bytesContents?: Uint8Array[];
}

export interface WireInput {
  name: string;
  datatype: string;
  shape: number[];
  contents?: WireContents;
}

export class InferenceInputError extends Error {
  override readonly name = 'InferenceInputError';
}

export class InferenceTooLargeError extends Error {
  override readonly name = 'InferenceTooLargeError';
}

const BYTES_PER: Record<Exclude<Datatype, 'BYTES'>, number> = { FP32: 4, FP64: 8, INT32: 4, INT64: 8, BOOL: 1 };
const SUPPORTED = ['FP32', 'FP64', 'INT32', 'INT64', 'BOOL', 'BYTES'];
export const MAX_ELEMENTS = 16 * 1024 * 1024;

export function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Decodes one input; `raw` is its raw_input_contents entry when the request uses raw data. */
export function decodeInput(input: WireInput, raw: Buffer | undefined): Tensor {
  const at = `input "${input.name}"`;
  if (!SUPPORTED.includes(input.datatype)) throw new InferenceInputError(`${at}: datatype "${input.datatype}" is not supported (${SUPPORTED.join(', ')})`);
  const datatype = input.datatype as Datatype;
  const shape = (input.shape ?? []).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new InferenceInputError(`${at}: shape [${shape.join(', ')}] must hold non-negative integers`);
  const count = elementCount(shape);
  if (count > MAX_ELEMENTS) throw new InferenceTooLargeError(`${at}: ${count} elements, more than ${MAX_ELEMENTS}`);
  return { name: input.name, datatype, shape, data: raw ? fromRaw(at, datatype, count, raw) : fromContents(at, datatype, count, input.contents ?? {}) };
}

function fromContents(at: string, datatype: Datatype, count: number, c: WireContents): TensorData {
  const pick = <T>(values: T[] | undefined, field: string): T[] => {
    const v = values ?? [];
    if (v.length !== count) throw new InferenceInputError(`${at}: ${field} holds ${v.length} values but the shape needs ${count}`);
    return v;
  };
  switch (datatype) {
    case 'FP32': return Float32Array.from(pick(c.fp32Contents, 'fp32_contents'));
    case 'FP64': return Float64Array.from(pick(c.fp64Contents, 'fp64_contents'));
    case 'INT32': return Int32Array.from(integers(at, pick(c.intContents, 'int_contents'), 'int_contents'));
    case 'INT64': return BigInt64Array.from(integers(at, pick(c.int64Contents, 'int64_contents'), 'int64_contents').map((v) => BigInt(v)));
    case 'BOOL': return [...pick(c.boolContents, 'bool_contents')];
    case 'BYTES': return pick(c.bytesContents, 'bytes_contents').map((b) => Buffer.from(b).toString('utf8'));
  }
}

/** Integer tensors from JSON (REST) can hold anything; a non-integer is the client's mistake. */
function integers(at: string, values: number[], field: string): number[] {
  const bad = values.findIndex((v) => !Number.isSafeInteger(v));
  if (bad >= 0) throw new InferenceInputError(`${at}: ${field}[${bad}] = ${values[bad]} is not an integer`);
  return values;
}

function fromRaw(at: string, datatype: Datatype, count: number, raw: Buffer): TensorData {
  if (datatype === 'BYTES') return bytesFromRaw(at, count, raw);
  const expected = count * BYTES_PER[datatype];
  if (raw.length !== expected) throw new InferenceInputError(`${at}: raw_input_contents has ${raw.length} bytes but ${count} ${datatype} values need ${expected}`);
  const copy = new Uint8Array(raw).buffer;
  switch (datatype) {
    case 'FP32': return new Float32Array(copy);
    case 'FP64': return new Float64Array(copy);
    case 'INT32': return new Int32Array(copy);
    case 'INT64': return new BigInt64Array(copy);
    case 'BOOL': return Array.from(raw, (b) => b !== 0);
  }
}

/** BYTES raw data: each element is a 4-byte little-endian length, then that many bytes. */
function bytesFromRaw(at: string, count: number, raw: Buffer): string[] {
  const out: string[] = [];
  let offset = 0;
  while (offset < raw.length) {
    if (offset + 4 > raw.length) throw new InferenceInputError(`${at}: raw BYTES data ends inside a length prefix`);
    const length = raw.readUInt32LE(offset);
    if (offset + 4 + length > raw.length) throw new InferenceInputError(`${at}: raw BYTES element ${out.length} claims ${length} bytes past the end`);
    out.push(raw.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (out.length !== count) throw new InferenceInputError(`${at}: raw BYTES data holds ${out.length} elements but the shape needs ${count}`);
  return out;
}

/** Checks the inputs against the model's signature: names, datatypes and shapes. */
export function checkSignature(inputs: Tensor[], expected: TensorSpec[], model: string): void {
  const names = new Set(expected.map((s) => s.name));
  const unknown = inputs.find((t) => !names.has(t.name));
  if (unknown) throw new InferenceInputError(`input "${unknown.name}" is not an input of ${model} (expected: ${[...names].join(', ')})`);
  for (const spec of expected) {
    const tensor = inputs.find((t) => t.name === spec.name);
    if (!tensor) throw new InferenceInputError(`input "${spec.name}" of ${model} is missing (${spec.datatype} [${spec.shape.join(', ')}])`);
    if (tensor.datatype !== spec.datatype) throw new InferenceInputError(`input "${spec.name}" must be ${spec.datatype}, got ${tensor.datatype}`);
    const fits = spec.shape.length === 0 || (tensor.shape.length === spec.shape.length && spec.shape.every((d, i) => d < 0 || d === tensor.shape[i]));
    if (!fits) throw new InferenceInputError(`input "${spec.name}" must have shape [${spec.shape.join(', ')}] (-1 = any), got [${tensor.shape.join(', ')}]`);
  }
}

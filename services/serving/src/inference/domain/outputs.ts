import type { Datatype } from './tensors';

/** What onnxruntime hands back for one output. */
export interface RuntimeTensor {
  type: string;
  dims: readonly number[];
  data: unknown;
}

export interface WireOutput {
  name: string;
  datatype: Datatype;
  shape: number[];
  contents?: Record<string, unknown[]>;
}

const DATATYPE: Record<string, Datatype> = { float32: 'FP32', float64: 'FP64', int32: 'INT32', int64: 'INT64', bool: 'BOOL', string: 'BYTES' };

/** Encodes an output as typed contents, or as raw little-endian bytes when the client sent raw inputs. */
export function encodeOutput(name: string, tensor: RuntimeTensor, raw: boolean): { output: WireOutput; raw?: Buffer } {
  const datatype = DATATYPE[tensor.type];
  if (!datatype) throw new Error(`output "${name}" has onnxruntime type ${tensor.type}, which the protocol cannot carry`);
  const shape = [...tensor.dims].map(Number);
  if (raw) return { output: { name, datatype, shape }, raw: rawBytes(datatype, tensor.data) };
  return { output: { name, datatype, shape, contents: { [FIELD[datatype]]: typedValues(datatype, tensor.data) } } };
}

const FIELD: Record<Datatype, string> = { FP32: 'fp32Contents', FP64: 'fp64Contents', INT32: 'intContents', INT64: 'int64Contents', BOOL: 'boolContents', BYTES: 'bytesContents' };

function typedValues(datatype: Datatype, data: unknown): unknown[] {
  if (datatype === 'INT64') return Array.from(data as BigInt64Array, (v) => Number(v));
  if (datatype === 'BOOL') return Array.from(data as ArrayLike<number | boolean>, (v) => Boolean(v));
  if (datatype === 'BYTES') return (data as string[]).map((s) => Buffer.from(s, 'utf8'));
  return Array.from(data as ArrayLike<number>);
}

function rawBytes(datatype: Datatype, data: unknown): Buffer {
  if (datatype === 'BYTES') {
    return Buffer.concat((data as string[]).flatMap((s) => {
      const bytes = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }));
  }
  if (datatype === 'BOOL') return Buffer.from(Array.from(data as ArrayLike<number | boolean>, (v) => (v ? 1 : 0)));
  const view = data as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

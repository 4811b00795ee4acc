// The serving signature of any ONNX model, ours or uploaded (skl2onnx, torch.onnx, tf2onnx...), in
// KServe v2 terms, so the registry and the inference service can describe and validate requests
// without loading the model into a runtime.
import { onnx } from 'onnx-proto';
import { FEATURE_NAMES_METADATA_KEY } from './export';

/** KServe v2 (Open Inference Protocol) tensor data types. */
export type KServeDatatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BF16' | 'BYTES';

export interface TensorSpec {
  name: string;
  /**
   * For non-tensor values (e.g. skl2onnx's ZipMap output, a sequence of maps), the datatype of the
   * innermost tensor; 'BYTES' for element types KServe cannot express (complex, float8, int4).
   */
  datatype: KServeDatatype;
  /** -1 for dynamic dimensions; [] when the model declares no shape (and for non-tensor values). */
  shape: number[];
  /** The ONNX type, e.g. "seq(map(int64,tensor(float)))", set only when it is not a plain tensor of `datatype`. */
  onnxType?: string;
}

export interface OnnxSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** From our "feature_names" metadata; [] for models exported elsewhere. */
  featureNames: string[];
  /** The default domain "" is reported as "ai.onnx". */
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
}

/** Indexed by onnx.TensorProto.DataType; the ONNX name is what onnxType shows. */
const ELEMENT_TYPES: [onnxName: string, datatype: KServeDatatype | undefined][] = [
  ['undefined', undefined], ['float', 'FP32'], ['uint8', 'UINT8'], ['int8', 'INT8'], ['uint16', 'UINT16'],
  ['int16', 'INT16'], ['int32', 'INT32'], ['int64', 'INT64'], ['string', 'BYTES'], ['bool', 'BOOL'],
  ['float16', 'FP16'], ['double', 'FP64'], ['uint32', 'UINT32'], ['uint64', 'UINT64'],
  ['complex64', undefined], ['complex128', undefined], ['bfloat16', 'BF16'],
  // Newer than the onnx-proto schema, but plain enum values on the wire.
  ['float8e4m3fn', undefined], ['float8e4m3fnuz', undefined], ['float8e5m2', undefined],
  ['float8e5m2fnuz', undefined], ['uint4', undefined], ['int4', undefined], ['float4e2m1', undefined],
];

/** protobufjs decodes int64 fields as Long objects when the long package is present, else as numbers. */
type Int64 = number | { toNumber(): number };

function int64(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/**
 * Reads the inputs, outputs, opsets and feature names of a serialized ONNX model.
 * Inputs that are initializers (how models before IR version 4 declared weights) are left out.
 * @throws Error when the bytes are not an ONNX ModelProto.
 */
export function readSignature(onnxBytes: Uint8Array): OnnxSignature {
  const model = decodeModel(onnxBytes);
  const graph = model.graph as onnx.IGraphProto;
  const weights = new Set(
    [...(graph.initializer ?? []).map((t) => t.name), ...(graph.sparseInitializer ?? []).map((t) => t.values?.name)]
      .filter((name): name is string => Boolean(name)),
  );
  const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  return {
    inputs: (graph.input ?? []).filter((v) => !weights.has(v.name ?? '')).map(tensorSpec),
    outputs: (graph.output ?? []).map(tensorSpec),
    featureNames: parseFeatureNames(metadata[FEATURE_NAMES_METADATA_KEY]),
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: int64(o.version) })),
    metadata,
  };
}

function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    // A Buffer view makes protobufjs slice rather than copy initializer bytes (large uploaded models).
    model = onnx.ModelProto.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Protobuf decodes many byte strings without complaint (an empty one decodes to an empty
  // message), so require what every ONNX model has: an IR version and a graph with outputs.
  if (int64(model.irVersion) < 1 || !model.graph || (model.graph.output ?? []).length === 0) {
    throw new Error('not an ONNX model: no IR version or no graph with outputs');
  }
  return model;
}

function tensorSpec(value: onnx.IValueInfoProto): TensorSpec {
  const name = value.name ?? '';
  const tensor = value.type?.tensorType;
  if (tensor) {
    const [onnxName, datatype] = elementType(tensor.elemType);
    const spec: TensorSpec = { name, datatype: datatype ?? 'BYTES', shape: shapeOf(tensor.shape) };
    return datatype ? spec : { ...spec, onnxType: `tensor(${onnxName})` };
  }
  return { name, datatype: innermostDatatype(value.type), shape: [], onnxType: typeName(value.type) };
}

function elementType(elemType: number | null | undefined): [string, KServeDatatype | undefined] {
  return ELEMENT_TYPES[elemType ?? 0] ?? [`elem_type_${elemType}`, undefined];
}

function shapeOf(shape: onnx.ITensorShapeProto | null | undefined): number[] {
  // dim_value is only meaningful when set; dim_param (symbolic) and absent dims are dynamic.
  return (shape?.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined ? int64(d.dimValue) : -1));
}

/** ONNX's own notation for a type, as in the operator specs: seq(map(int64,tensor(float))). */
function typeName(type: onnx.ITypeProto | null | undefined): string {
  if (!type) return 'unknown';
  if (type.tensorType) return `tensor(${elementType(type.tensorType.elemType)[0]})`;
  if (type.sparseTensorType) return `sparse_tensor(${elementType(type.sparseTensorType.elemType)[0]})`;
  if (type.sequenceType) return `seq(${typeName(type.sequenceType.elemType)})`;
  if (type.optionalType) return `optional(${typeName(type.optionalType.elemType)})`;
  if (type.mapType) return `map(${elementType(type.mapType.keyType)[0]},${typeName(type.mapType.valueType)})`;
  return 'unknown';
}

function innermostDatatype(type: onnx.ITypeProto | null | undefined): KServeDatatype {
  if (!type) return 'BYTES';
  const leaf = type.tensorType ?? type.sparseTensorType;
  if (leaf) return elementType(leaf.elemType)[1] ?? 'BYTES';
  const inner = type.sequenceType?.elemType ?? type.optionalType?.elemType ?? type.mapType?.valueType;
  return innermostDatatype(inner);
}

function parseFeatureNames(json: string | undefined): string[] {
  if (json === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((n) => typeof n === 'string') ? parsed : [];
  } catch {
    return [];
  }
}

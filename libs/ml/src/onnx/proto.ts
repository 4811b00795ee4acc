// Small constructors for ONNX protobuf messages. protobufjs' interfaces accept almost anything
// (every field optional), so these helpers are where attribute types and tensor layouts are made
// explicit; the graph builders then read like the ONNX operator specs they implement.
import { onnx } from 'onnx-proto';

const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;

export const ML_DOMAIN = 'ai.onnx.ml';

/** The graph under construction: nodes are appended in topological order by the builders. */
export interface GraphParts {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
}

export function newGraphParts(): GraphParts {
  return { nodes: [], initializers: [] };
}

/** An attribute of a declared type: ONNX checks the type, so "1" as INT vs FLOAT must not be guessed. */
export type TypedAttribute =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

const utf8 = new TextEncoder();

function attribute(name: string, value: TypedAttribute): onnx.IAttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('string' in value) return { name, type: AttributeType.STRING, s: utf8.encode(value.string) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => utf8.encode(s)) };
}

/** Appends a node; its name is derived from its first output, which the builders keep unique. */
export function addNode(
  parts: GraphParts,
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, TypedAttribute> = {},
  domain = '',
): void {
  parts.nodes.push({
    opType,
    domain,
    name: `${opType}_${outputs[0]}`,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
  });
}

export function addFloatInitializer(parts: GraphParts, name: string, dims: number[], values: number[]): void {
  assertSize(name, dims, values.length);
  parts.initializers.push({ name, dims, dataType: DataType.FLOAT, floatData: values });
}

export function addInt64Initializer(parts: GraphParts, name: string, dims: number[], values: number[]): void {
  assertSize(name, dims, values.length);
  parts.initializers.push({ name, dims, dataType: DataType.INT64, int64Data: values });
}

function assertSize(name: string, dims: number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) throw new Error(`initializer ${name}: ${length} values for shape [${dims}]`);
}

/** A dimension is a fixed size or a symbolic name (dim_param), which onnxruntime treats as dynamic. */
export type Dim = number | string;

export function tensorValueInfo(name: string, elemType: onnx.TensorProto.DataType, dims: Dim[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export { DataType };

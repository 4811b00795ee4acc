import { onnx } from 'onnx-proto';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import type { AnyCall } from '@mlops/testing';

/** A binary logistic regression over three features, exported by the platform's exporter
 * (input "input" [-1, 3], outputs "label" INT64 and "probabilities" FP32). */
export function logistic(coef: [number, number, number], intercept: number): Buffer {
  const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [coef], intercept: [intercept] };
  return Buffer.from(exportOnnx(model));
}

/** The stable model of the deployment tests. */
export const STABLE = logistic([0.8, -0.4, 1.2], -0.3);
/** A retrained model that agrees with STABLE on almost every input. */
export const GOOD = logistic([0.82, -0.41, 1.19], -0.29);
/** A model that predicts the opposite class. */
export const FLIPPED = logistic([-0.8, 0.4, -1.2], 0.3);

// Hand-built ONNX graphs: value infos, nodes and integer attributes.
const valueInfo = (name: string, elemType: number, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []) => onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });
const ints = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const encode = (graph: onnx.IGraphProto) => Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'test', opsetImport: [{ domain: '', version: 17 }], graph })).finish());

/**
 * A model with the same signature as STABLE that loads, warms up on zeros, and fails on every
 * other input at run time: a Gather whose index is 1000 × sum(|input|) into a one-element tensor.
 */
export function erring(): Buffer {
  const { DataType } = onnx.TensorProto;
  const graph = onnx.GraphProto.create({
    name: 'erring',
    node: [
      node('MatMul', ['input', 'W'], ['z0']),
      node('Add', ['z0', 'B'], ['z']),
      node('Softmax', ['z'], ['p'], [ints('axis', 1)]),
      node('Abs', ['input'], ['a']),
      node('ReduceSum', ['a'], ['s']),
      node('Mul', ['s', 'thousand'], ['s1000']),
      node('Cast', ['s1000'], ['index2d'], [ints('to', DataType.INT64)]),
      node('Reshape', ['index2d', 'one'], ['index']),
      node('Gather', ['tiny', 'index'], ['g']),
      node('Add', ['p', 'g'], ['probabilities']),
      node('ArgMax', ['probabilities'], ['label'], [ints('axis', 1), ints('keepdims', 0)]),
    ],
    initializer: [
      onnx.TensorProto.create({ name: 'W', dims: [3, 2], dataType: DataType.FLOAT, floatData: [0, 0.8, 0, -0.4, 0, 1.2] }),
      onnx.TensorProto.create({ name: 'B', dims: [2], dataType: DataType.FLOAT, floatData: [0, -0.3] }),
      onnx.TensorProto.create({ name: 'thousand', dims: [], dataType: DataType.FLOAT, floatData: [1000] }),
      onnx.TensorProto.create({ name: 'one', dims: [1], dataType: DataType.INT64, int64Data: [1] }),
      onnx.TensorProto.create({ name: 'tiny', dims: [1], dataType: DataType.FLOAT, floatData: [0] }),
    ],
    input: [valueInfo('input', DataType.FLOAT, ['N', 3])],
    output: [valueInfo('label', DataType.INT64, ['N']), valueInfo('probabilities', DataType.FLOAT, ['N', 2])],
  });
  return encode(graph);
}

/**
 * A model that predicts exactly as STABLE but slowly: its probabilities also depend on a chain of
 * 16 matrix products of a 1200-wide tiling of the input (multiplied by zero, so the answer is
 * unchanged, but onnxruntime computes it: about 45 MFLOP per row).
 */
export function slow(): Buffer {
  const { DataType } = onnx.TensorProto;
  const width = 1200;
  const layers = 16;
  const chain = Array.from({ length: layers }, (_, i) => node('MatMul', [i === 0 ? 'wide' : `h${i - 1}`, 'big'], [`h${i}`]));
  const graph = onnx.GraphProto.create({
    name: 'slow',
    node: [
      node('MatMul', ['input', 'W'], ['z0']),
      node('Add', ['z0', 'B'], ['z']),
      node('Softmax', ['z'], ['p'], [ints('axis', 1)]),
      node('Tile', ['input', 'repeats'], ['wide']),
      ...chain,
      node('ReduceSum', [`h${layers - 1}`], ['s']),
      node('Mul', ['s', 'zero'], ['nothing']),
      node('Add', ['p', 'nothing'], ['probabilities']),
      node('ArgMax', ['probabilities'], ['label'], [ints('axis', 1), ints('keepdims', 0)]),
    ],
    initializer: [
      onnx.TensorProto.create({ name: 'W', dims: [3, 2], dataType: DataType.FLOAT, floatData: [0, 0.8, 0, -0.4, 0, 1.2] }),
      onnx.TensorProto.create({ name: 'B', dims: [2], dataType: DataType.FLOAT, floatData: [0, -0.3] }),
      onnx.TensorProto.create({ name: 'repeats', dims: [2], dataType: DataType.INT64, int64Data: [1, width / 3] }),
      onnx.TensorProto.create({ name: 'big', dims: [width, width], dataType: DataType.FLOAT, floatData: new Array(width * width).fill(1e-4) }),
      onnx.TensorProto.create({ name: 'zero', dims: [], dataType: DataType.FLOAT, floatData: [0] }),
    ],
    input: [valueInfo('input', DataType.FLOAT, ['N', 3])],
    output: [valueInfo('label', DataType.INT64, ['N']), valueInfo('probabilities', DataType.FLOAT, ['N', 2])],
  });
  return encode(graph);
}

/** Uploads an ONNX artifact to the registry (in 1 MiB chunks: gRPC messages stop at 4 MiB) and
 * registers it as the model's next version; resolves with the version number. */
export async function registerVersion(models: Record<string, AnyCall>, modelName: string, onnxBytes: Buffer): Promise<number> {
  const chunks = Array.from({ length: Math.ceil(onnxBytes.length / 2 ** 20) }, (_, i) => ({ data: onnxBytes.subarray(i * 2 ** 20, (i + 1) * 2 ** 20) }));
  const { sha256 } = await models.UploadArtifact!(chunks);
  return (await models.CreateModelVersion!({ modelName, artifactSha256: sha256 })).version;
}

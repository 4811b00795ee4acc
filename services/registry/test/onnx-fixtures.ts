import { onnx } from 'onnx-proto';
import { exportOnnx, type LogisticRegressionModel } from '@mlops/ml';

/** A model as the platform's trainers make it, exported by the platform's exporter. */
export function platformModel(): { model: LogisticRegressionModel; bytes: Buffer } {
  const model: LogisticRegressionModel = {
    kind: 'logistic_regression',
    featureNames: ['age', 'income', 'tenure'],
    classes: [0, 1],
    coef: [[0.5, -0.25, 1.5]],
    intercept: [-0.1],
  };
  return { model, bytes: Buffer.from(exportOnnx(model)) };
}

/**
 * A model "trained elsewhere", shaped the way skl2onnx writes one: input "float_input" with a
 * dynamic batch dimension, a linear layer and a softmax over 3 classes, no platform metadata.
 */
export function foreignModel(): Buffer {
  const tensor = (name: string, dims: number[], values: number[]) =>
    onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
  const valueInfo = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
        },
      },
    });
  const graph = onnx.GraphProto.create({
    name: 'sklearn-like',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['float_input', 'W'], output: ['z0'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['z0', 'B'], output: ['z'] }),
      onnx.NodeProto.create({ opType: 'Softmax', input: ['z'], output: ['output_probability'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }),
    ],
    initializer: [tensor('W', [4, 3], [0.1, 0.2, -0.3, 0.5, -0.5, 0.1, -0.2, 0.3, 0.4, 1, 0, -1]), tensor('B', [3], [0.01, 0.02, 0.03])],
    input: [valueInfo('float_input', ['N', 4])],
    output: [valueInfo('output_probability', ['N', 3])],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'skl2onnx', opsetImport: [{ domain: '', version: 17 }], graph });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

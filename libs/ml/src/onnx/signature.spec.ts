import { onnx } from 'onnx-proto';
import { exportOnnx } from './export';
import { readSignature } from './signature';
import { binaryLogistic, gbdtMulticlass, gbdtRegression, linearRegression, multinomialLogistic } from './testing/models';

const { DataType } = onnx.TensorProto;
const FEATURES = ['age', 'income', 'score'];
const OUR_OPSETS = [
  { domain: 'ai.onnx', version: 17 },
  { domain: 'ai.onnx.ml', version: 3 },
];

describe('readSignature on exported models', () => {
  it.each([
    ['linear regression', exportOnnx(linearRegression)],
    ['GBDT regression', exportOnnx(gbdtRegression)],
  ])('%s: FP32 [N, F] in, "variable" FP32 [N, 1] out', (_, bytes) => {
    expect(readSignature(bytes)).toMatchObject({
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }],
      outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
      featureNames: FEATURES,
      opsets: OUR_OPSETS,
    });
  });

  it.each([
    ['binary logistic regression', exportOnnx(binaryLogistic), 2],
    ['multinomial logistic regression', exportOnnx(multinomialLogistic), 3],
    ['GBDT multiclass', exportOnnx(gbdtMulticlass), 3],
  ])('%s: "label" INT64 [N] and "probabilities" FP32 [N, C]', (_, bytes, classes) => {
    const signature = readSignature(bytes);
    expect(signature.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3] }]);
    expect(signature.outputs).toEqual([
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, classes] },
    ]);
    expect(signature.featureNames).toEqual(FEATURES);
  });

  it('exposes the rest of our metadata', () => {
    expect(readSignature(exportOnnx(multinomialLogistic)).metadata).toMatchObject({
      model_kind: 'logistic_regression',
      classes: '[3,7,9]',
    });
  });
});

/** What skl2onnx writes for a classifier: batch dims without value or name, a ZipMap output, old IR. */
function sklearnStyleModel(): Uint8Array {
  const float = (dims: onnx.TensorShapeProto.IDimension[]) => ({ tensorType: { elemType: DataType.FLOAT, shape: { dim: dims } } });
  const model: onnx.IModelProto = {
    irVersion: 3,
    producerName: 'skl2onnx',
    opsetImport: [{ domain: '', version: 9 }, { domain: 'ai.onnx.ml', version: 1 }],
    graph: {
      name: 'sklearn',
      initializer: [{ name: 'coef', dims: [4, 3], dataType: DataType.FLOAT, floatData: new Array(12).fill(0) }],
      input: [
        { name: 'float_input', type: float([{}, { dimValue: 4 }]) },
        // IR version 3 lists initializers among the inputs too; they are weights, not inputs.
        { name: 'coef', type: float([{ dimValue: 4 }, { dimValue: 3 }]) },
      ],
      output: [
        { name: 'output_label', type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{}] } } } },
        {
          name: 'output_probability',
          type: { sequenceType: { elemType: { mapType: { keyType: DataType.INT64, valueType: float([]) } } } },
        },
      ],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** What torch.onnx.export writes: symbolic batch dims, an output without shape, unusual dtypes. */
function pytorchStyleModel(): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 9,
    producerName: 'pytorch',
    opsetImport: [{ domain: '', version: 18 }],
    graph: {
      input: [
        { name: 'pixels', type: { tensorType: { elemType: DataType.FLOAT16, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 3 }, { dimValue: 224 }, { dimValue: 224 }] } } } },
        { name: 'mask', type: { tensorType: { elemType: DataType.BOOL, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 5000000000 }] } } } },
      ],
      output: [
        { name: 'logits', type: { tensorType: { elemType: DataType.DOUBLE } } },
        { name: 'spectrum', type: { tensorType: { elemType: DataType.COMPLEX64, shape: { dim: [{ dimValue: 2 }] } } } },
        { name: 'tokens', type: { tensorType: { elemType: DataType.STRING, shape: { dim: [] } } } },
      ],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

describe('readSignature on models exported elsewhere', () => {
  it('reads an skl2onnx-style classifier', () => {
    expect(readSignature(sklearnStyleModel())).toEqual({
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'output_label', datatype: 'INT64', shape: [-1] },
        { name: 'output_probability', datatype: 'FP32', shape: [], onnxType: 'seq(map(int64,tensor(float)))' },
      ],
      featureNames: [],
      opsets: [
        { domain: 'ai.onnx', version: 9 },
        { domain: 'ai.onnx.ml', version: 1 },
      ],
      metadata: {},
    });
  });

  it('reads a PyTorch-style model: symbolic dims, missing shapes, types KServe lacks', () => {
    const signature = readSignature(pytorchStyleModel());
    expect(signature.inputs).toEqual([
      { name: 'pixels', datatype: 'FP16', shape: [-1, 3, 224, 224] },
      { name: 'mask', datatype: 'BOOL', shape: [-1, 5000000000] },
    ]);
    expect(signature.outputs).toEqual([
      { name: 'logits', datatype: 'FP64', shape: [] },
      { name: 'spectrum', datatype: 'BYTES', shape: [2], onnxType: 'tensor(complex64)' },
      { name: 'tokens', datatype: 'BYTES', shape: [] },
    ]);
  });

  it('ignores feature_names metadata that is not a JSON array of strings', () => {
    const bytes = onnx.ModelProto.encode({
      ...onnx.ModelProto.decode(exportOnnx(linearRegression)),
      metadataProps: [{ key: 'feature_names', value: '{"a": 1}' }],
    }).finish();
    expect(readSignature(bytes).featureNames).toEqual([]);
  });
});

describe('readSignature on bytes that are not ONNX', () => {
  it.each([
    ['text', new TextEncoder().encode('this is not an onnx model, just some text')],
    ['an empty buffer', new Uint8Array(0)],
    ['random bytes', Uint8Array.from({ length: 256 }, (_, i) => (i * 131 + 7) % 256)],
    ['a JSON model', new TextEncoder().encode(JSON.stringify(linearRegression))],
    ['a model without a graph', onnx.ModelProto.encode({ irVersion: 8, producerName: 'x' }).finish()],
  ])('rejects %s', (_, bytes) => {
    expect(() => readSignature(bytes)).toThrow(/not an ONNX model/);
  });
});

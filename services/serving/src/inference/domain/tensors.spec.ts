import { encodeOutput } from './outputs';
import { InferenceInputError, InferenceTooLargeError, checkSignature, decodeInput } from './tensors';

describe('decodeInput', () => {
  it('reads typed contents of every datatype', () => {
    expect(decodeInput({ name: 'x', datatype: 'FP32', shape: [2, 2], contents: { fp32Contents: [1, 2, 3, 4] } }, undefined).data).toEqual(Float32Array.from([1, 2, 3, 4]));
    expect(decodeInput({ name: 'x', datatype: 'INT64', shape: [2], contents: { int64Contents: [5, -6] } }, undefined).data).toEqual(BigInt64Array.from([5n, -6n]));
    expect(decodeInput({ name: 'x', datatype: 'BOOL', shape: [2], contents: { boolContents: [true, false] } }, undefined).data).toEqual([true, false]);
    expect(decodeInput({ name: 'x', datatype: 'BYTES', shape: [1], contents: { bytesContents: [Buffer.from('hé')] } }, undefined).data).toEqual(['hé']);
  });

  it('reads raw little-endian contents, BYTES with 4-byte length prefixes', () => {
    const raw = Buffer.alloc(16);
    [1.5, 2.5].forEach((v, i) => raw.writeDoubleLE(v, i * 8));
    expect(decodeInput({ name: 'x', datatype: 'FP64', shape: [1, 2], contents: undefined }, raw).data).toEqual(Float64Array.from([1.5, 2.5]));
    const bytes = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('ab'), Buffer.from([0, 0, 0, 0])]);
    expect(decodeInput({ name: 's', datatype: 'BYTES', shape: [2] }, bytes).data).toEqual(['ab', '']);
  });

  it.each([
    [{ name: 'x', datatype: 'FP16', shape: [1] }, undefined, 'input "x": datatype "FP16" is not supported'],
    [{ name: 'x', datatype: 'FP32', shape: [2, -1] }, undefined, 'input "x": shape [2, -1] must hold non-negative integers'],
    [{ name: 'x', datatype: 'FP32', shape: [2, 3], contents: { fp32Contents: [1, 2] } }, undefined, 'input "x": fp32_contents holds 2 values but the shape needs 6'],
    [{ name: 'x', datatype: 'INT32', shape: [3] }, Buffer.alloc(8), 'input "x": raw_input_contents has 8 bytes but 3 INT32 values need 12'],
    [{ name: 's', datatype: 'BYTES', shape: [1] }, Buffer.from([9, 0, 0, 0, 1]), 'input "s": raw BYTES element 0 claims 9 bytes past the end'],
  ])('refuses %j', (input, raw, message) => {
    expect(() => decodeInput(input as never, raw)).toThrow(InferenceInputError);
    expect(() => decodeInput(input as never, raw)).toThrow(message);
  });

  it('refuses non-integers in integer tensors (JSON can carry any number)', () => {
    expect(() => decodeInput({ name: 'n', datatype: 'INT64', shape: [2], contents: { int64Contents: [1, 1.5] } }, undefined)).toThrow('input "n": int64_contents[1] = 1.5 is not an integer');
    expect(() => decodeInput({ name: 'n', datatype: 'INT32', shape: [1], contents: { intContents: [Number.NaN] } }, undefined)).toThrow(InferenceInputError);
  });

  it('refuses tensors too large to hold', () => {
    expect(() => decodeInput({ name: 'x', datatype: 'FP32', shape: [100000, 100000] }, undefined)).toThrow(InferenceTooLargeError);
  });
});

describe('checkSignature', () => {
  const spec = [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }];
  const tensor = (over: object) => ({ name: 'input', datatype: 'FP32' as const, shape: [2, 3], data: new Float32Array(6), ...over });

  it('accepts matching inputs with any batch size', () => {
    expect(() => checkSignature([tensor({ shape: [7, 3], data: new Float32Array(21) })], spec, 'churn v1')).not.toThrow();
  });

  it.each([
    [[tensor({ name: 'inputs' })], 'input "inputs" is not an input of churn v1 (expected: input)'],
    [[], 'input "input" of churn v1 is missing (FP32 [-1, 3])'],
    [[tensor({ datatype: 'FP64' })], 'input "input" must be FP32, got FP64'],
    [[tensor({ shape: [2, 4] })], 'input "input" must have shape [-1, 3] (-1 = any), got [2, 4]'],
  ])('refuses %#', (inputs, message) => {
    expect(() => checkSignature(inputs as never, spec, 'churn v1')).toThrow(message);
  });
});

describe('encodeOutput', () => {
  it('encodes typed and raw outputs', () => {
    const t = { type: 'int64', dims: [2], data: BigInt64Array.from([3n, 4n]) };
    expect(encodeOutput('label', t, false).output).toEqual({ name: 'label', datatype: 'INT64', shape: [2], contents: { int64Contents: [3, 4] } });
    expect(encodeOutput('label', t, true).raw).toEqual(Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]));
  });
});

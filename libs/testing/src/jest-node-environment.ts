// Jest runs each test file in its own V8 context, with its own typed-array constructors, but the
// onnxruntime-node addon creates output arrays in the host context; onnxruntime-common's
// `data instanceof Float32Array` then fails ("A float32 tensor's data must be type of function
// Float32Array()", microsoft/onnxruntime#16622). Outside Jest there is one context and no problem.
// It is the test environment of every project (jest.preset.js): a plain Node environment plus this.
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import NodeEnvironment from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

export default class OrtJestEnvironment extends NodeEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    // Per-name assignment would need a union of constructor types TypeScript cannot intersect.
    const sandbox = this.global as unknown as Record<string, unknown>;
    for (const name of TYPED_ARRAYS) sandbox[name] = globalThis[name];
  }
}

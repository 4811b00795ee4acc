import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { from, throwError } from 'rxjs';
import { registry } from '@mlops/contracts';
import type { UpstreamClients } from '@mlops/nest-platform';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import type { ServingConfig } from '../config/serving.config';
import { ServingMetrics } from '../serving.metrics';
import { STABLE } from '../../test/models';
import { MAX_REMEMBERED_FAILURES, ModelStore } from './model-store';

// The registry stands in as a collaborator that knows no model: what the store remembers of the
// failed lookups must stay bounded however many names a caller invents.
describe('ModelStore failed loads', () => {
  const registryCalls: string[] = [];
  const upstream = {
    client: () => ({
      getModelVersion: ({ modelName }: { modelName: string }) => {
        registryCalls.push(modelName);
        return throwError(() => Object.assign(new Error('not found'), { code: status.NOT_FOUND, details: `model "${modelName}" does not exist` }));
      },
    }),
  } as unknown as UpstreamClients;
  const store = new ModelStore(upstream, new JsonLogger('serving-test', 'error'), new ServingMetrics(new PlatformMetrics('serving')), { batching: {} } as unknown as ServingConfig);

  it('answers NOT_FOUND for unknown names and remembers at most MAX_REMEMBERED_FAILURES of them', async () => {
    for (let i = 0; i < 3 * MAX_REMEMBERED_FAILURES; i++) {
      await expect(store.get(`random-${i}`, 1)).rejects.toMatchObject({ message: `model "random-${i}" does not exist` });
    }
    expect(store.rememberedFailures).toBe(MAX_REMEMBERED_FAILURES);
    // The newest failures are the ones kept (and backed off: no second registry call for them).
    const calls = registryCalls.length;
    await expect(store.get(`random-${3 * MAX_REMEMBERED_FAILURES - 1}`, 1)).rejects.toThrow('does not exist');
    expect(registryCalls.length).toBe(calls);
    expect(store.loadFailure('random-0', 1)).toBeUndefined();
  });
});

// The registry stands in again, now with a version and its artifact: a real ONNX model loaded by
// the real onnxruntime, within the store's size and time limits.
describe('ModelStore load limits', () => {
  const sha256 = createHash('sha256').update(STABLE).digest('hex');
  const signature = { inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }], outputs: [], featureNames: [] };
  const storeWith = (limits: { maxModelBytes: number; modelLoadTimeoutMs: number }, artifact: { announced: number; chunks: Buffer[] }) => {
    const downloads: string[] = [];
    const upstream = {
      client: () => ({
        getModelVersion: () => from([{ status: registry.VersionStatus.VERSION_STATUS_READY, artifactSha256: sha256, artifactSize: artifact.announced, signature, tags: {} }]),
        downloadArtifact: ({ sha256: asked }: { sha256: string }) => {
          downloads.push(asked);
          return from(artifact.chunks.map((data) => ({ data })));
        },
      }),
    } as unknown as UpstreamClients;
    const config = { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, ortIntraOpThreads: 1, ...limits } as unknown as ServingConfig;
    return { store: new ModelStore(upstream, new JsonLogger('serving-test', 'error'), new ServingMetrics(new PlatformMetrics('serving')), config), downloads };
  };
  const halves = [STABLE.subarray(0, 100), STABLE.subarray(100)];

  it('loads a model within the limits', async () => {
    const { store } = storeWith({ maxModelBytes: 1024 * 1024, modelLoadTimeoutMs: 60_000 }, { announced: STABLE.length, chunks: halves });
    await expect(store.get('churn', 1)).resolves.toMatchObject({ name: 'churn', version: 1 });
  });

  it('refuses a model the registry says is larger than SERVING_MAX_MODEL_BYTES, without downloading it', async () => {
    const { store, downloads } = storeWith({ maxModelBytes: 1024, modelLoadTimeoutMs: 60_000 }, { announced: 10 * 1024 ** 3, chunks: halves });
    await expect(store.get('huge', 1)).rejects.toMatchObject({ kind: 'FAILED_PRECONDITION', message: `model "huge" version 1 is ${10 * 1024 ** 3} bytes, more than SERVING_MAX_MODEL_BYTES (1024)` });
    expect(downloads).toEqual([]);
  });

  it('stops a download that runs past the limit whatever was announced', async () => {
    const { store } = storeWith({ maxModelBytes: 1024, modelLoadTimeoutMs: 60_000 }, { announced: 10, chunks: [Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)] });
    await expect(store.get('liar', 1)).rejects.toMatchObject({ kind: 'FAILED_PRECONDITION', message: 'model "liar" version 1 is 1200 bytes, more than SERVING_MAX_MODEL_BYTES (1024)' });
  });

  it('fails a load that takes longer than SERVING_MODEL_LOAD_TIMEOUT_MS', async () => {
    // Fake timers: the limit passes while onnxruntime (native, on its own thread) is still
    // creating the session, whatever this machine's speed. The late session is released.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { store } = storeWith({ maxModelBytes: 1024 * 1024, modelLoadTimeoutMs: 50 }, { announced: STABLE.length, chunks: halves });
      const refused = expect(store.get('slow', 1)).rejects.toMatchObject({ kind: 'FAILED_PRECONDITION', message: 'loading model "slow" version 1 took longer than SERVING_MODEL_LOAD_TIMEOUT_MS (50 ms)' });
      await jest.advanceTimersByTimeAsync(50);
      await refused;
      expect(store.loadFailure('slow', 1)).toContain('took longer than');
    } finally {
      jest.useRealTimers();
    }
  });
});

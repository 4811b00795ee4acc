import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningService, grpcClient, startPlatformService, uniqueName, authHeaders } from '@mlops/testing';

/** Open Inference Protocol over gRPC and REST, with a model registered in the real registry. The
 * client is plain grpc-js built from the public v2 proto at run time (no generated code of ours),
 * as a KServe or Triton client would be. */
describe('inference (Open Inference Protocol v2, gRPC)', () => {
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  let models: ReturnType<typeof grpcClient>;
  let api: ReturnType<typeof grpcClient>;
  const modelName = uniqueName('scorer').replace(/_/g, '-');
  const model: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [[0.8, -0.4, 1.2]], intercept: [-0.3] };
  const onnx = Buffer.from(exportOnnx(model));
  const rows = [0.1, 0.2, 0.3, -1, 2, 0.5];

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-it-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress } });
    models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
    const { sha256 } = await models.UploadArtifact([{ data: onnx }]);
    await models.CreateModelVersion({ modelName, artifactSha256: sha256 });
    await models.SetAlias({ modelName, alias: 'production', version: 1 });
  });
  afterAll(async () => {
    api?.close();
    models?.close();
    await serving?.stop();
    await registry?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  async function expected(): Promise<number[]> {
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows), [2, 3]) });
    return Array.from(out.probabilities.data as Float32Array);
  }

  it('answers health and metadata like any KServe server', async () => {
    expect(await api.ServerLive({})).toEqual({ live: true });
    expect(await api.ServerReady({})).toEqual({ ready: true });
    expect(await api.ModelReady({ name: modelName })).toEqual({ ready: true });
    expect(await api.ModelReady({ name: 'no-such-model' })).toEqual({ ready: false });
    const metadata = await api.ModelMetadata({ name: modelName });
    expect(metadata).toMatchObject({ name: modelName, versions: ['1'], platform: 'onnxruntime_onnx', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }] });
    expect(metadata.outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'probabilities']);
  });

  it('infers from typed contents and from raw contents, the same as onnxruntime on the artifact', async () => {
    const typed = await api.ModelInfer({ modelName, id: 'req-1', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3], contents: { fp32Contents: rows } }] });
    expect(typed).toMatchObject({ modelName, modelVersion: '1', id: 'req-1' });
    const probabilities = typed.outputs.find((o: { name: string }) => o.name === 'probabilities');
    expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [2, 2] });
    expect(probabilities.contents.fp32Contents).toEqual(await expected());
    expect(typed.outputs.find((o: { name: string }) => o.name === 'label').contents.int64Contents.map(Number)).toEqual([1, 0]);

    const raw = Buffer.from(Float32Array.from(rows).buffer);
    const viaRaw = await api.ModelInfer({ modelName, modelVersion: '1', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3] }], outputs: [{ name: 'probabilities' }], rawInputContents: [raw] });
    expect(viaRaw.outputs).toEqual([expect.objectContaining({ name: 'probabilities', datatype: 'FP32' })]);
    const bytes: Buffer = viaRaw.rawOutputContents[0];
    expect(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)))).toEqual(await expected());
  });

  it('merges concurrent requests into shared runs, each caller getting its own rows', async () => {
    const want = await expected();
    const calls = Array.from({ length: 60 }, (_, i) => {
      const row = i % 2;
      return api.ModelInfer({ modelName, id: `c${i}`, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: rows.slice(row * 3, row * 3 + 3) } }], outputs: [{ name: 'probabilities' }] })
        .then((r: { id: string; outputs: { contents: { fp32Contents: number[] } }[] }) => ({ i, r, row }));
    });
    for (const { i, r, row } of await Promise.all(calls)) {
      expect(r.id).toBe(`c${i}`);
      expect(r.outputs[0].contents.fp32Contents).toEqual(want.slice(row * 2, row * 2 + 2));
    }
    const metrics = await (await fetch(`${serving.httpUrl}/metrics`, { headers: authHeaders() })).text();
    const runs = Number(/mlops_serving_batch_requests_count\{[^}]*\} (\d+)/.exec(metrics)![1]);
    const requests = Number(/mlops_serving_batch_requests_sum\{[^}]*\} (\d+)/.exec(metrics)![1]);
    // More requests than runs: some runs served several requests at once.
    expect(requests).toBeGreaterThan(runs);
  });

  it('serves the same over the v2 REST endpoints', async () => {
    const url = (p: string) => `${serving.httpUrl}/v2${p}`;
    const json = async (r: Response | Promise<Response>) => (await (await r).json()) as Record<string, unknown>;
    expect(await json(fetch(url('/health/live')))).toEqual({ live: true });
    expect(await json(fetch(url('/health/ready')))).toEqual({ ready: true });
    expect((await json(fetch(url(`/models/${modelName}`), { headers: authHeaders() }))).inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3] }]);
    expect((await fetch(url(`/models/${modelName}/versions/1/ready`), { headers: authHeaders() })).status).toBe(200);
    const response = await fetch(url(`/models/${modelName}/infer`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ id: 'rest-1', inputs: [{ name: 'input', shape: [2, 3], datatype: 'FP32', data: [[0.1, 0.2, 0.3], [-1, 2, 0.5]] }], outputs: [{ name: 'probabilities' }] }),
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ model_name: modelName, model_version: '1', id: 'rest-1', outputs: [{ name: 'probabilities', shape: [2, 2], datatype: 'FP32' }] });
    expect((body.outputs as { data: number[] }[])[0].data).toEqual(await expected());

    const post = (name: string, payload: unknown) => fetch(url(`/models/${name}/infer`), { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify(payload) });
    const notFound = await post('no-such-model', { inputs: [] });
    expect(notFound.status).toBe(404);
    const badShape = await post(modelName, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    expect(badShape.status).toBe(400);
    expect((await json(badShape)).error).toBe('input "input" must have shape [-1, 3] (-1 = any), got [1, 4]');
    expect((await post(modelName, { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 'two', 3] }] })).status).toBe(400);
    expect((await post(modelName, { nope: true })).status).toBe(400);
  });

  it.each([
    [{ modelName: 'no-such-model' }, 5, 'no-such-model'],
    [{ modelVersion: '9' }, 5, 'has no version 9'],
    [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [1, 2, 3] } }] }, 3, 'input "x" is not an input of model'],
    [{ inputs: [{ name: 'input', datatype: 'FP64', shape: [1, 3], contents: { fp64Contents: [1, 2, 3] } }] }, 3, 'input "input" must be FP32, got FP64'],
    [{ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32Contents: [1, 2, 3, 4] } }] }, 3, 'input "input" must have shape [-1, 3] (-1 = any), got [1, 4]'],
    [{ inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3], contents: { fp32Contents: [1, 2, 3] } }] }, 3, 'input "input": fp32_contents holds 3 values but the shape needs 6'],
    [{ inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3] }], rawInputContents: [Buffer.alloc(7)] }, 3, 'raw_input_contents has 7 bytes but 6 FP32 values need 24'],
    [{ inputs: [{ name: 'input', datatype: 'FP32', shape: [100000, 100000] }] }, 8, 'more than'],
    [{ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [1, 2, 3] } }], outputs: [{ name: 'scores' }] }, 3, 'output "scores" is not an output'],
  ])('refuses a bad request (%#) with a status naming the problem', async (change, code, message) => {
    const request = { modelName, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [1, 2, 3] } }], ...change };
    const error = await api.ModelInfer(request).then(() => undefined, (e: { code: number; details: string }) => e);
    expect(error).toMatchObject({ code });
    expect(error!.details).toContain(message);
    expect(await api.ServerLive({})).toEqual({ live: true });
  });

  it('exports requests by status, latency and batch sizes per model and version', async () => {
    const metrics = (await (await fetch(`${serving.httpUrl}/metrics`, { headers: authHeaders() })).text()).split('\n');
    /** The value of the series `name` whose labels include all of `labels` (any order). */
    const value = (name: string, labels: Record<string, string>) => {
      const line = metrics.find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
    };
    const version = { model: modelName, version: '1' };
    const ok = value('mlops_serving_requests_total', { ...version, code: 'OK' });
    expect(ok).toBeGreaterThanOrEqual(60);
    // Refused requests for a loaded version are counted under their status; unknown models under no name.
    expect(value('mlops_serving_requests_total', { ...version, code: 'INVALID_ARGUMENT' })).toBeGreaterThanOrEqual(5);
    expect(value('mlops_serving_requests_total', { ...version, code: 'RESOURCE_EXHAUSTED' })).toBe(1);
    expect(value('mlops_serving_requests_total', { model: '', version: '', code: 'NOT_FOUND' })).toBeGreaterThanOrEqual(1);
    expect(value('mlops_serving_request_duration_seconds_count', version)).toBe(ok);
    expect(value('mlops_serving_batch_requests_sum', version)).toBe(ok);
    expect(value('mlops_serving_batch_requests_count', version)).toBeLessThan(ok);
  });
});

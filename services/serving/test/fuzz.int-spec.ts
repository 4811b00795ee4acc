import { promises as fs } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningService, grpcClient, startPlatformService, uniqueName, authHeaders } from '@mlops/testing';

type Client = ReturnType<typeof grpcClient>;

const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES', 'BF16', 'NOPE', ''];
const CONTENTS = ['boolContents', 'intContents', 'int64Contents', 'uintContents', 'uint64Contents', 'fp32Contents', 'fp64Contents', 'bytesContents'];
/** Statuses that name a problem of the request; anything else (UNKNOWN, INTERNAL, UNAVAILABLE…) is a failure of the server. */
const REFUSALS = new Set([3, 5, 8]); // INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED

let seed = 20261201;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** A request that is wrong in one or several random ways: shapes (negative, zero, huge, too many
 * dimensions), datatypes, contents of the wrong kind or length, raw bytes of any size, unknown
 * names, hostile strings, parameters of every kind. */
function hostileRequest(model: string): Record<string, unknown> {
  const shape = Array.from({ length: int(0, 5) }, () => pick([-1, 0, 1, 2, 3, int(4, 100), 2 ** 31, -(2 ** 20), 1e12]));
  const count = int(0, 40);
  const values = Array.from({ length: count }, () => pick([random() * 10, -1, 0, 1e308, Number.NaN, Number.POSITIVE_INFINITY]));
  const input: Record<string, unknown> = { name: pick(['input', 'x', '', '../../etc/passwd', "'; DROP TABLE deployments; --", 'ä'.repeat(300)]), datatype: pick(DATATYPES), shape };
  if (random() < 0.7) {
    const kind = pick(CONTENTS);
    input.contents = { [kind]: kind === 'boolContents' ? values.map((v) => v > 1) : kind === 'bytesContents' ? values.map(() => Buffer.from('\u0000\uffff<script>')) : kind.startsWith('int') || kind.startsWith('uint') ? values.map((v) => (Number.isFinite(v) ? Math.trunc(v) : 0)) : values };
  }
  const request: Record<string, unknown> = { modelName: pick([model, model, model, 'no-such-model', '', '%00', 'x'.repeat(5000)]), id: pick(['', 'r1', '\u0000', 'ü'.repeat(1000)]), inputs: random() < 0.1 ? [] : Array.from({ length: int(1, 3) }, () => ({ ...input })) };
  if (random() < 0.3) request.modelVersion = pick(['1', '0', '-1', '99', 'latest', '1e3']);
  if (random() < 0.3) request.rawInputContents = Array.from({ length: int(1, 3) }, () => Buffer.alloc(pick([0, 1, 7, 12, 4096])));
  if (random() < 0.3) request.outputs = [{ name: pick(['label', 'probabilities', 'nope', '']) }];
  if (random() < 0.3) request.parameters = { routing_key: pick([{ stringParam: 'user-1' }, { int64Param: 5 }, { boolParam: true }]), [pick(['a', '', 'batch'])]: { stringParam: 'x'.repeat(int(0, 2000)) } };
  return request;
}

/** Arbitrary bytes as a gRPC message (length-prefixed frame) to ModelInfer: not protobuf at all. */
function sendGarbage(address: string, body: Buffer): Promise<{ grpcStatus: string | undefined; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    const stream = session.request({ ':method': 'POST', ':path': '/inference.GRPCInferenceService/ModelInfer', 'content-type': 'application/grpc', te: 'trailers' });
    let headers: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (headers = { ...headers, ...t }));
    stream.on('data', () => undefined);
    stream.on('end', () => {
      session.close();
      resolve({ grpcStatus: headers['grpc-status'] as string | undefined, message: headers['grpc-message'] as string | undefined });
    });
    stream.on('error', reject);
    stream.end(frame);
  });
}

/**
 * Hostile input against the real serving process (issue 7): fuzzed inference requests over
 * gRPC, bytes that are not protobuf, malformed and oversize REST bodies. Every one is refused
 * with a status that names the problem, the process never crashes, and valid traffic running
 * alongside is answered throughout.
 */
describe('hostile inference input', () => {
  let registry: RunningService;
  let serving: RunningService;
  let artifactDir: string;
  let api: Client;
  const model = uniqueName('fuzzed').replace(/_/g, '-');
  const valid = { modelName: model, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: [0.1, 0.2, 0.3] } }] };

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'serving-fuzz-'));
    registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, SERVING_PREDICTION_LOG: 'false' } });
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const classifier: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [[1, -1, 0.5]], intercept: [0] };
    const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(classifier)) }]);
    await models.CreateModelVersion({ modelName: model, artifactSha256: sha256 });
    await models.SetAlias({ modelName: model, alias: 'production', version: 1 });
    models.close();
    api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
    await api.ModelInfer(valid);
  });
  afterAll(async () => {
    api?.close();
    await serving?.stop();
    await registry?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('refuses 600 fuzzed gRPC requests with statuses that name the problem, while valid traffic is answered', async () => {
    let running = true;
    const good = { sent: 0, failed: [] as string[] };
    const goodTraffic = (async () => {
      while (running) {
        good.sent++;
        await api.ModelInfer(valid).catch((e: { code: number; details: string }) => good.failed.push(`${e.code} ${e.details}`));
      }
    })();
    const byStatus: Record<string, number> = {};
    const serverFailures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const request = hostileRequest(model);
      const outcome = await api.ModelInfer(request).then(() => ({ code: 0, details: '' }), (e: { code: number; details: string }) => e);
      byStatus[outcome.code] = (byStatus[outcome.code] ?? 0) + 1;
      if (outcome.code !== 0 && !REFUSALS.has(outcome.code)) serverFailures.push(`${outcome.code} ${outcome.details} for ${JSON.stringify(request).slice(0, 300)}`);
      if (outcome.code !== 0 && REFUSALS.has(outcome.code) && !outcome.details) serverFailures.push(`status ${outcome.code} without a message`);
    }
    running = false;
    await goodTraffic;
    console.log(`fuzzed requests by gRPC status: ${JSON.stringify(byStatus)}; valid requests alongside: ${good.sent} sent, ${good.failed.length} failed`);
    expect(serverFailures).toEqual([]);
    expect(byStatus['3']).toBeGreaterThan(300); // most are malformed, not merely unknown models
    expect(good.failed).toEqual([]);
    expect(good.sent).toBeGreaterThan(100);
    // Still the same process, still answering.
    expect(await Promise.race([serving.proc.exitCode(), new Promise((r) => setTimeout(() => r('running'), 200))])).toBe('running');
    expect(await api.ServerLive({})).toEqual({ live: true });
  }, 120_000);

  it('answers bytes that are not protobuf with a status, and keeps serving', async () => {
    const statuses: string[] = [];
    for (const body of [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from('{"model_name": "x"}'), Buffer.alloc(0), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256))]) {
      const { grpcStatus } = await sendGarbage(serving.grpcAddress, body);
      statuses.push(grpcStatus ?? 'none');
    }
    console.log(`garbage frames → grpc-status ${statuses.join(', ')}`);
    // Each gets a status (the empty message decodes to an empty request: refused as invalid or unknown model).
    expect(statuses.every((s) => s !== 'none' && s !== '0' && s !== '14')).toBe(true);
    expect((await api.ModelInfer(valid)).modelName).toBe(model);
  });

  it('refuses malformed, mistyped and oversize REST bodies with 4xx, never 5xx', async () => {
    const url = `${serving.httpUrl}/v2/models/${model}/infer`;
    const post = async (body: string | Buffer, type = 'application/json') => (await fetch(url, { method: 'POST', headers: { 'content-type': type, ...authHeaders() }, body })).status;
    const statuses = [
      await post('{"inputs": [{"name": "input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2'),
      await post('null'),
      await post('[]'),
      await post('{"inputs": "all of them"}'),
      await post('{"inputs": [{"name": "input", "shape": "1x3", "datatype": "FP32", "data": [1, 2, 3]}]}'),
      await post('{"inputs": [{"name": "input", "shape": [1, 3], "datatype": "FP32", "data": {"a": 1}}]}'),
      await post(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: ['<script>', null, true] }] })),
      await post(Buffer.alloc(40 * 1024 * 1024, 0x20)), // 40 MiB of spaces
      await post('inputs=1', 'application/x-www-form-urlencoded'),
    ];
    console.log(`REST bodies → HTTP ${statuses.join(', ')}`);
    expect(statuses.every((s) => s >= 400 && s < 500)).toBe(true);
    expect((await fetch(`${serving.httpUrl}/v2/health/live`)).status).toBe(200);
  });
});

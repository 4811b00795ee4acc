// Adaptive batching: ModelInfer throughput and latency at low and high concurrency for the same
// model registered twice, once with batching (the defaults: 32 rows, 2 ms) and once with it off
// (version tag serving.max_batch_size = 1), through one serving process. Load from a separate
// process (bench/load/infer-client.mts), one row per request, versions pinned; sides interleaved.
//
//   bash bench/run.sh inference-batching [seconds=8] [concurrency=64] [rounds=2]
//   BENCH_MODEL=mlp (default: 64 → 512 → 512 → 2 dense layers, matrix products where merging
//   pays) or trees (1000 trees of depth 6 over 20 features: per-row work that merging cannot share)
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { type GradientBoostedTreesModel, type TreeNode, exportOnnx } from '@mlops/ml';
import { grpcClient, startPlatformService, testIssuer, uniqueName } from '@mlops/testing';
import { fmt, log, median, table } from './lib.mts';

const { onnx } = onnxProto;
const seconds = Number(process.argv[2] ?? 8);
const highConcurrency = Number(process.argv[3] ?? 64);
const rounds = Number(process.argv[4] ?? 2);
const kind = process.env.BENCH_MODEL ?? 'mlp';

/** A dense network: input [N, 64], two hidden ReLU layers of 512, softmax over 2 classes. */
function mlp(): { bytes: Buffer; features: number } {
  const { DataType } = onnx.TensorProto;
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 0.1;
  const weights = (name: string, dims: number[]) => onnx.TensorProto.create({ name, dims, dataType: DataType.FLOAT, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, random) });
  const layers = [64, 512, 512, 2];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  let x = 'input';
  for (let i = 0; i < layers.length - 1; i++) {
    initializer.push(weights(`W${i}`, [layers[i], layers[i + 1]]), weights(`B${i}`, [layers[i + 1]]));
    nodes.push(onnx.NodeProto.create({ opType: 'Gemm', input: [x, `W${i}`, `B${i}`], output: [`h${i}`], name: `gemm${i}` }));
    x = `h${i}`;
    if (i < layers.length - 2) {
      nodes.push(onnx.NodeProto.create({ opType: 'Relu', input: [x], output: [`r${i}`], name: `relu${i}` }));
      x = `r${i}`;
    }
  }
  nodes.push(onnx.NodeProto.create({ opType: 'Softmax', input: [x], output: ['probabilities'], name: 'softmax', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
  const info = (name: string, dims: (number | string)[]) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
  const graph = onnx.GraphProto.create({ name: 'mlp', node: nodes, initializer, input: [info('input', ['N', 64])], output: [info('probabilities', ['N', 2])] });
  return { bytes: Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'bench', opsetImport: [{ domain: '', version: 17 }], graph })).finish()), features: 64 };
}

/** A tree ensemble over 20 features (1000 trees of depth 6). */
function trees(): { bytes: Buffer; features: number } {
  const FEATURES = 20;
  const tree = (seed: number): TreeNode[] => {
    const nodes: TreeNode[] = [];
    const grow = (depth: number): number => {
      const index = nodes.length;
      nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: true, value: 0 });
      if (depth === 6) nodes[index].value = ((seed * 7 + index) % 11) / 100 - 0.05;
      else Object.assign(nodes[index], { feature: (seed + depth * 3 + index) % FEATURES, threshold: ((seed + index) % 10) / 10, left: grow(depth + 1), right: grow(depth + 1) });
      return index;
    };
    grow(0);
    return nodes;
  };
  const model: GradientBoostedTreesModel = { kind: 'gradient_boosted_trees', task: 'binary', featureNames: Array.from({ length: FEATURES }, (_, i) => `f${i}`), classes: [0, 1], baseScore: [0], trees: Array.from({ length: 1000 }, (_, i) => [tree(i)]) };
  return { bytes: Buffer.from(exportOnnx(model)), features: FEATURES };
}

interface LoadResult { count: number; errors: number; rps: number; p50: number; p99: number }
const here = path.dirname(new URL(import.meta.url).pathname);
function load(target: string, model: string, version: string, features: number, concurrency: number): Promise<LoadResult> {
  const child: ChildProcess = spawn(process.execPath, ['--no-warnings', path.join(here, 'load/infer-client.mts'), '--target', target, '--model', model, '--version', version, '--features', String(features), '--seconds', String(seconds), '--concurrency', String(concurrency), '--client', 'http2', '--channels', '2'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MLOPS_TOKEN: testIssuer().token('bench-client', ['viewer']) } });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)))));
}

const { bytes, features } = kind === 'trees' ? trees() : mlp();
const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'bench-batching-'));
const registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, LOG_LEVEL: 'warn' } });
const serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, LOG_LEVEL: 'warn' } });
const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
try {
  const name = uniqueName('bench-batching').replace(/_/g, '-');
  const { sha256 } = await models.UploadArtifact([{ data: bytes }]);
  await models.CreateModelVersion({ modelName: name, artifactSha256: sha256 });
  await models.CreateModelVersion({ modelName: name, artifactSha256: sha256, tags: { 'serving.max_batch_size': '1' } });
  const results: Record<string, LoadResult[]> = {};
  for (const concurrency of [1, highConcurrency]) {
    for (let round = 0; round < rounds; round++) {
      for (const [side, version] of [['off', '2'], ['on', '1']] as const) {
        log(`concurrency ${concurrency}, round ${round + 1}: batching ${side}`);
        (results[`${concurrency}:${side}`] ??= []).push(await load(serving.grpcAddress, name, version, features, concurrency));
      }
    }
  }
  const m = (key: string, k: keyof LoadResult) => median(results[key].map((r) => r[k]));
  const rows: (string | number)[][] = [['concurrency', 'side', 'requests/s', 'p50 ms', 'p99 ms', 'throughput ratio', 'errors']];
  for (const concurrency of [1, highConcurrency]) {
    const [off, on] = [`${concurrency}:off`, `${concurrency}:on`];
    rows.push([concurrency, 'batching off (baseline)', fmt(m(off, 'rps'), 0), fmt(m(off, 'p50'), 3), fmt(m(off, 'p99'), 3), '1.00', String(m(off, 'errors'))]);
    rows.push([concurrency, 'adaptive batching', fmt(m(on, 'rps'), 0), fmt(m(on, 'p50'), 3), fmt(m(on, 'p99'), 3), fmt(m(on, 'rps') / m(off, 'rps')), String(m(on, 'errors'))]);
  }
  console.log(`\nModelInfer over gRPC, ${kind === 'trees' ? '1000-tree depth-6 ensemble, 20 features' : 'dense 64→512→512→2 network'}, 1 row per request, ${seconds} s per measurement, ${rounds} interleaved rounds (median)\n`);
  console.log(table(rows));
} finally {
  models.close();
  await serving.stop();
  await registry.stop();
  await fs.rm(artifactDir, { recursive: true, force: true });
}

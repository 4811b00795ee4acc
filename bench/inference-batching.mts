// Adaptive batching: ModelInfer throughput and latency at low and high concurrency, for the same
// model registered twice — once with batching (the defaults) and once with it off (version tag
// serving.max_batch_size = 1) — through one serving process, over gRPC on loopback.
//
//   bash bench/run.sh inference-batching [requests=4000] [concurrency=64]
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type GradientBoostedTreesModel, type TreeNode, exportOnnx } from '@mlops/ml';
import { grpcClient, startPlatformService, uniqueName } from '@mlops/testing';
import { fmt, percentile, table } from './lib.mts';

const total = Number(process.argv[2] ?? 4000);
const highConcurrency = Number(process.argv[3] ?? 64);
const FEATURES = 20;
const TREES = Number(process.env.BENCH_TREES ?? 1000);
const TREE_DEPTH = Number(process.env.BENCH_TREE_DEPTH ?? 6);

/** A tree ensemble over 20 features (default 1000 trees of depth 6): real work per row. */
function model(): GradientBoostedTreesModel {
  const tree = (seed: number): TreeNode[] => {
    const nodes: TreeNode[] = [];
    const grow = (depth: number): number => {
      const index = nodes.length;
      nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: true, value: 0 });
      if (depth === TREE_DEPTH) nodes[index].value = ((seed * 7 + index) % 11) / 100 - 0.05;
      else Object.assign(nodes[index], { feature: (seed + depth * 3 + index) % FEATURES, threshold: ((seed + index) % 10) / 10, left: grow(depth + 1), right: grow(depth + 1) });
      return index;
    };
    grow(0);
    return nodes;
  };
  return { kind: 'gradient_boosted_trees', task: 'binary', featureNames: Array.from({ length: FEATURES }, (_, i) => `f${i}`), classes: [0, 1], baseScore: [0], trees: Array.from({ length: TREES }, (_, i) => [tree(i)]) };
}

const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'bench-serving-'));
const registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, LOG_LEVEL: 'warn' } });
const serving = await startPlatformService('serving', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, LOG_LEVEL: 'warn' } });
const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
const api = grpcClient(serving.grpcAddress, 'inference/grpc_predict_v2.proto', 'inference.GRPCInferenceService');
try {
  const name = uniqueName('bench-model').replace(/_/g, '-');
  const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(model())) }]);
  await models.CreateModelVersion({ modelName: name, artifactSha256: sha256 });
  await models.CreateModelVersion({ modelName: name, artifactSha256: sha256, tags: { 'serving.max_batch_size': '1' } });
  const row = () => Array.from({ length: FEATURES }, () => Math.random());
  const request = (version: string) => ({ modelName: name, modelVersion: version, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, FEATURES], contents: { fp32Contents: row() } }], outputs: [{ name: 'probabilities' }] });

  async function measure(version: string, concurrency: number): Promise<{ rps: number; p50: number; p99: number }> {
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const t = performance.now();
        await api.ModelInfer(request(version));
        latencies.push(performance.now() - t);
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    return { rps: total / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  }

  for (const version of ['1', '2']) for (let i = 0; i < 300; i++) await api.ModelInfer(request(version));
  const rows: (string | number)[][] = [['concurrency', 'side', 'requests/s', 'p50 ms', 'p99 ms', 'throughput ratio']];
  for (const concurrency of [1, highConcurrency]) {
    const off = await measure('2', concurrency);
    const on = await measure('1', concurrency);
    const off2 = await measure('2', concurrency);
    const on2 = await measure('1', concurrency);
    const avg = (a: typeof on, b: typeof on) => ({ rps: (a.rps + b.rps) / 2, p50: (a.p50 + b.p50) / 2, p99: (a.p99 + b.p99) / 2 });
    const [o, n] = [avg(off, off2), avg(on, on2)];
    rows.push([concurrency, 'batching off (baseline)', fmt(o.rps, 0), fmt(o.p50, 3), fmt(o.p99, 3), '1.00']);
    rows.push([concurrency, 'adaptive batching', fmt(n.rps, 0), fmt(n.p50, 3), fmt(n.p99, 3), fmt(n.rps / o.rps)]);
  }
  console.log(`\nModelInfer over gRPC, ${TREES}-tree depth-${TREE_DEPTH} model, 1 row per request, ${total} requests per measurement (2 interleaved rounds averaged)\n`);
  console.log(table(rows));
} finally {
  api.close();
  models.close();
  await serving.stop();
  await registry.stop();
  await fs.rm(artifactDir, { recursive: true, force: true });
}

// A load generator in its own process: ModelInfer over plain @grpc/grpc-js built from the public
// v2 proto, the way a KServe/Triton client calls. Requests are encoded once up front (a pool of
// variants with different routing keys and rows) so the generator spends its core on sending,
// not on protobuf; every response is decoded only far enough to count errors.
//
// Closed loop (--concurrency N, as fast as answers come back) or open loop (--rate R requests/s,
// sent on a timer whatever the latency). Prints one JSON line: count, errors, rps, latency
// percentiles in ms.
//
//   MLOPS_TOKEN=<bearer token> node bench/load/infer-client.mts --target 127.0.0.1:50055 --model m [--version 2] [--features 3] --seconds 10 --concurrency 64 [--client http2]
//
// The token (a viewer's is enough for ModelInfer) goes in the `authorization` metadata of every call.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce<[string, string][]>((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const target = args.target ?? '127.0.0.1:50055';
const model = args.model ?? 'model';
const seconds = Number(args.seconds ?? 10);
const warmupSeconds = Number(args.warmup ?? 2);
const concurrency = Number(args.concurrency ?? 0);
const rate = Number(args.rate ?? 0);
const features = Number(args.features ?? 3);
const channels = Number(args.channels ?? 4);
const version = args.version ?? '';

const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');
const root = await protobuf.load(path.join(protoRoot, 'inference/grpc_predict_v2.proto'));
const Request = root.lookupType('inference.ModelInferRequest');
// Only loaded to check that the proto parses the way clients see it; calls use raw bytes.
protoLoader.loadSync(path.join(protoRoot, 'inference/grpc_predict_v2.proto'), { includeDirs: [protoRoot] });

const pool: Buffer[] = Array.from({ length: 256 }, (_, i) =>
  Buffer.from(
    Request.encode(
      Request.fromObject({
        modelName: model,
        modelVersion: version,
        id: `r${i}`,
        parameters: { routing_key: { stringParam: `user-${i}` } },
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, features], contents: { fp32Contents: Array.from({ length: features }, (_, j) => ((i * 7 + j * 13) % 17) / 17 - 0.5) } }],
      }),
    ).finish(),
  ),
);

// --client grpc-js (default): the reference client. --client http2: gRPC's wire format written
// directly on node:http2 (length-prefixed message, grpc-status trailer), a fraction of grpc-js's
// allocations per call, so the generator's own GC pauses weigh less on the latencies it measures.
const kind = args.client ?? 'grpc-js';
const identity = (b: Buffer) => b;
const clients = Array.from({ length: channels }, (_, i) => new grpc.Client(target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'channel-index': i }));
const framed = pool.map((message) => {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
});
const sessions = kind === 'http2' ? Array.from({ length: channels }, () => http2.connect(`http://${target}`)) : [];
const authorization = process.env.MLOPS_TOKEN ? { authorization: `Bearer ${process.env.MLOPS_TOKEN}` } : {};
const HEADERS = { ':method': 'POST', ':path': '/inference.GRPCInferenceService/ModelInfer', 'content-type': 'application/grpc', te: 'trailers', ...authorization };
const metadata = new grpc.Metadata();
if (authorization.authorization) metadata.set('authorization', authorization.authorization);
function http2Call(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = sessions[i % channels].request(HEADERS, { endStream: false });
    let status: string | undefined;
    stream.on('response', (headers) => (status = headers['grpc-status'] as string | undefined));
    stream.on('trailers', (trailers) => (status = (trailers['grpc-status'] as string | undefined) ?? status));
    stream.on('data', () => undefined);
    stream.on('error', reject);
    stream.on('close', () => (status === '0' ? resolve() : reject(Object.assign(new Error(`grpc-status ${status}`), { code: Number(status) }))));
    stream.end(framed[i % framed.length]);
  });
}
const call = (i: number): Promise<void> =>
  kind === 'http2'
    ? http2Call(i)
    : new Promise((resolve, reject) =>
        clients[i % channels].makeUnaryRequest('/inference.GRPCInferenceService/ModelInfer', identity, identity, pool[i % pool.length], metadata, (error) => (error ? reject(error) : resolve())),
      );

const latencies: number[] = [];
let errors = 0;
const codes: Record<string, number> = {};
let measuring = false;
let sent = 0;
async function one(): Promise<void> {
  const i = sent++;
  const t = performance.now();
  try {
    await call(i);
    if (measuring) latencies.push(performance.now() - t);
  } catch (error) {
    if (measuring) {
      errors++;
      const code = String((error as grpc.ServiceError).code);
      codes[code] = (codes[code] ?? 0) + 1;
    }
  }
}

async function closedLoop(until: number): Promise<void> {
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) await one();
  }));
}

async function openLoop(until: number): Promise<void> {
  // Requests leave on a 1 ms timer, each tick sending those that fell due (no busy loop: the
  // generator must not take the core the server needs).
  const inflight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  let next = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= until) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (; next <= now; next += interval) {
        const p = one();
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
    }, 1);
  });
  await Promise.all(inflight);
}

const run = concurrency > 0 ? closedLoop : openLoop;
await run(performance.now() + warmupSeconds * 1000);
measuring = true;
const start = performance.now();
await run(start + seconds * 1000);
const elapsed = (performance.now() - start) / 1000;
measuring = false;
latencies.sort((a, b) => a - b);
const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((latencies.length - 1) * p))] : NaN);
process.stdout.write(JSON.stringify({ count: latencies.length, errors, codes, rps: latencies.length / elapsed, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) }) + '\n');
for (const c of clients) c.close();
for (const s of sessions) s.close();

// The baseline for the serving benchmark: a bare @grpc/grpc-js server of the same
// inference.GRPCInferenceService, built from the same proto with the same loader, whose
// ModelInfer decodes the request and answers a response of the same shape (label and
// probabilities for one row) without running a model, without routing, batching or logging.
//
// Its garbage-collection time (a PerformanceObserver on 'gc' entries) is printed as
// "gc <milliseconds> <collections>" for every line read on stdin, so the bench can set it beside
// serving's own.
//
//   node bench/load/bare-inference-server.mts <port>
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const port = Number(process.argv[2] ?? 50099);
const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');
const definition = protoLoader.loadSync(path.join(protoRoot, 'inference/grpc_predict_v2.proto'), {
  keepCase: false, longs: Number, enums: Number, defaults: true, arrays: true, objects: true, oneofs: true, includeDirs: [protoRoot],
});
const service = (grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;

const server = new grpc.Server();
server.addService(service.service, {
  ServerLive: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done(null, { live: true }),
  ServerReady: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done(null, { ready: true }),
  ModelInfer: (call: grpc.ServerUnaryCall<{ modelName: string; id: string; inputs: { shape: number[] }[] }, unknown>, done: grpc.sendUnaryData<unknown>) => {
    const request = call.request;
    const rows = request.inputs[0]?.shape[0] ?? 1;
    done(null, {
      modelName: request.modelName,
      modelVersion: '1',
      id: request.id,
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [rows], contents: { int64Contents: new Array(rows).fill(1) } },
        { name: 'probabilities', datatype: 'FP32', shape: [rows, 2], contents: { fp32Contents: new Array(rows * 2).fill(0.5) } },
      ],
    });
  },
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
  process.stdout.write(`listening ${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));

let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });
createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`gc ${gcMs} ${gcCount}\n`));

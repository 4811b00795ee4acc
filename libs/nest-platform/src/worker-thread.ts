import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Runs CPU-heavy work (a model fit, a point-in-time join) in a worker thread, so the service's
 * event loop keeps answering health checks, gRPC calls and Kafka heartbeats while it runs.
 * `workerFile` is the compiled worker script (it reads `workerData` and posts one message with
 * its answer); its input is copied to the thread (structured clone) and its answer copied back.
 * Where the compiled script is absent (the TypeScript sources the unit tests run), `inline`
 * does the same work on the calling thread.
 */
export function runInWorkerThread<T>(workerFile: string, input: unknown, inline: () => T): Promise<T> {
  if (!workerFile.endsWith('.js') || !existsSync(workerFile)) return Promise.resolve().then(inline);
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: input });
    let settled = false;
    worker.once('message', (answer: T) => {
      settled = true;
      resolve(answer);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker thread ${workerFile} exited with code ${code} before answering`));
    });
  });
}

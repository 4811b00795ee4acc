import type { ServerWritableStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';

/**
 * Answers a server-streaming call from `source` with backpressure: each message is written to
 * the call and the next is pulled only once gRPC takes more. Nest writes whatever an Observable
 * emits and queues what the caller has not read yet, so `from(asyncIterable)` would hold a whole
 * dataset (or a 3 GiB artifact) in memory for a slow reader; this Observable emits nothing
 * itself and completes after the last message, or fails with the source's error (mapped by
 * `mapError`). A cancelled call stops the source (its `finally` runs: files and cursors close).
 */
export function streamToCall<T>(call: ServerWritableStream<unknown, T>, source: AsyncIterable<T>, mapError: (error: unknown) => unknown = (e) => e): Observable<T> {
  return new Observable<T>((subscriber) => {
    let cancelled = false;
    let wake: (() => void) | undefined;
    const onCancel = () => {
      cancelled = true;
      wake?.();
    };
    const onDrain = () => wake?.();
    call.on('cancelled', onCancel);
    call.on('drain', onDrain);
    void (async () => {
      for await (const message of source) {
        if (cancelled) return;
        if (!call.write(message)) await new Promise<void>((resolve) => (wake = resolve));
        if (cancelled) return;
      }
      subscriber.complete();
    })()
      .catch((error) => subscriber.error(mapError(error)))
      .finally(() => {
        call.off('cancelled', onCancel);
        call.off('drain', onDrain);
      });
  });
}

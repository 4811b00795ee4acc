import { EventEmitter } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { streamToCall } from './server-stream';

/** A call whose buffer takes `room` messages before write answers false (as a slow reader's does). */
function slowCall(room: number) {
  const call = Object.assign(new EventEmitter(), {
    written: [] as number[],
    write(message: number) {
      call.written.push(message);
      return call.written.length % room !== 0;
    },
  });
  return call;
}

describe('streamToCall', () => {
  it('pulls the next message only when the call drains, and completes after the last', async () => {
    const call = slowCall(2);
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield i;
      }
    }
    let completed = false;
    streamToCall(call as unknown as ServerWritableStream<unknown, number>, source()).subscribe({ complete: () => (completed = true) });
    await new Promise((r) => setImmediate(r));
    expect([pulled, call.written]).toEqual([2, [0, 1]]);
    call.emit('drain');
    await new Promise((r) => setImmediate(r));
    expect([pulled, call.written, completed]).toEqual([4, [0, 1, 2, 3], false]);
    call.emit('drain');
    await new Promise((r) => setImmediate(r));
    expect([call.written, completed]).toEqual([[0, 1, 2, 3, 4], true]);
  });

  it('stops the source when the call is cancelled, and maps its errors', async () => {
    const call = slowCall(1);
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    streamToCall(call as unknown as ServerWritableStream<unknown, number>, source()).subscribe();
    await new Promise((r) => setImmediate(r));
    call.emit('cancelled');
    await new Promise((r) => setImmediate(r));
    expect([call.written, closed]).toEqual([[0], true]);

    async function* failing(): AsyncGenerator<number> {
      throw new Error('disk gone');
    }
    const error = await new Promise((resolve) => streamToCall(slowCall(5) as unknown as ServerWritableStream<unknown, number>, failing(), (e) => `mapped: ${(e as Error).message}`).subscribe({ error: resolve }));
    expect(error).toBe('mapped: disk gone');
  });
});

/**
 * kafkajs 2.2.4 (its last release) keeps every broker connection's event loop awake while idle:
 * after each response `RequestQueue.checkPendingRequests` calls `scheduleCheckPendingRequests`,
 * which, with nothing pending and no throttling, arms `setTimeout(check, <negative>)` — 1 ms —
 * whose callback arms it again, forever (kafkajs issue #1556, unmerged PR #1667). Measured here:
 * an idle service woke ~830 times a second and used 8–9 % of a core doing nothing.
 *
 * The fix is the PR's: schedule a check only when requests are waiting. Nothing is lost by not
 * checking an empty queue: a request that cannot go at once is queued by `push`, which schedules
 * a check (at the end of a throttle, or in 10 ms), and every response or timeout checks again.
 * Applied once per process, to kafkajs's own class, so every client in the process has it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;

/** kafkajs's own interval for re-checking a queue that waits on the in-flight limit. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueInstance {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
interface RequestQueueClass {
  prototype: RequestQueueInstance & { [patched]?: true };
}

const patched = Symbol.for('mlops.kafkajs-idle-fix');

/** kafkajs's own method, kept for the test that shows the fix is still needed. */
export const kafkajsScheduleCheck: { original?: () => void; fixed?: () => void; prototype: RequestQueueInstance } = { prototype: RequestQueue.prototype };

export function applyKafkajsIdleFix(): void {
  const proto = RequestQueue.prototype;
  if (proto[patched]) return;
  if (typeof proto.scheduleCheckPendingRequests !== 'function') {
    throw new Error('kafkajs RequestQueue.scheduleCheckPendingRequests not found: the idle fix does not fit this kafkajs version');
  }
  kafkajsScheduleCheck.original = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInstance) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilThrottleEnds = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilThrottleEnds > 0 ? untilThrottleEnds : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  kafkajsScheduleCheck.fixed = proto.scheduleCheckPendingRequests;
  proto[patched] = true;
}

// KAFKAJS_IDLE_FIX=off keeps kafkajs's own scheduling: an escape hatch, and the baseline of
// `bash bench/run.sh idle`.
if (process.env.KAFKAJS_IDLE_FIX !== 'off') applyKafkajsIdleFix();

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in progress. It enters a process through gRPC metadata,
 * HTTP headers or Kafka headers, travels with the async context, and leaves on every outgoing
 * call and event, so one id follows a request or saga across services.
 */
export const CORRELATION_HEADER = 'x-correlation-id';

interface CorrelationContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function newCorrelationId(): string {
  return randomUUID();
}

/** Runs `fn` with the given correlation id (a new one when empty or unsafe). */
export function withCorrelation<T>(correlationId: string | undefined, fn: () => T): T {
  return storage.run({ correlationId: sanitizeCorrelationId(correlationId) ?? newCorrelationId() }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Accepts ids a client sent only when they are short and printable, so logs stay safe to read. */
export function sanitizeCorrelationId(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  return /^[A-Za-z0-9._:-]{1,128}$/.test(raw) ? raw : undefined;
}

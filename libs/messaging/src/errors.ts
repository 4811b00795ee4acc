import { isDomainError } from '@mlops/errors';

/**
 * Whether an error is about the infrastructure being briefly away (database restarting, broker
 * electing a leader, a connection reset) rather than about the message. Such errors are retried
 * until the infrastructure returns: dead-lettering a good message because Postgres restarted
 * would lose it.
 */
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// Postgres SQLSTATEs: connection exceptions (08xxx), shutdown/startup (57P01..57P03),
// too many connections (53300), serialization failures and deadlocks (40001, 40P01).
const TRANSIENT_PG_CODES = /^(08...|57P0[123]|53300|40001|40P01)$/;
const TRANSIENT_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|the database system is (starting up|shutting down)/i;

export function isTransientError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; retriable?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_NODE_CODES.has(e.code) || TRANSIENT_PG_CODES.test(e.code))) return true;
  if (e.retriable === true) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.test(e.message)) return true;
  return isTransientError(e.driverError) || isTransientError(e.cause);
}

/**
 * Whether retrying cannot help: a domain error that says the message itself is wrong or
 * conflicts with stored state (invalid, already exists, precondition failed). Such a message is
 * dead-lettered at once instead of after the retries. NOT_FOUND stays retryable: the thing it
 * refers to may simply not have arrived yet.
 */
export function isPermanentError(error: unknown): boolean {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return isDomainError(error) && ['INVALID_ARGUMENT', 'ALREADY_EXISTS', 'FAILED_PRECONDITION', 'DATA_LOSS', 'RESOURCE_EXHAUSTED'].includes(kind as string);
}

import { status as GrpcStatus } from '@grpc/grpc-js';
import { ClientError, RemoteCallError, addressKey, connectFailure, statusName } from '@mlops/client';

export { RemoteCallError, connectFailure, statusName };

/**
 * What can go wrong, as one line an operator can act on, and the exit code scripts can test:
 * 0 success, 1 the platform refused or could not be reached, 2 the command line was wrong.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: unknown command or option, missing or malformed argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help explains the fix, e.g. "models get". */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A failure that is not the user's typing and not a gRPC status, e.g. a job that failed. */
export class CliError extends ClientError {
  override readonly name = 'CliError';
}

function remoteMessage(e: RemoteCallError): string {
  const where = `${e.service} at ${e.address}`;
  const code = statusName(e.code);
  const unreachable = connectFailure(e);
  if (unreachable) return `${code}: cannot reach ${where} (${unreachable}): is it running, and is ${addressKey(e.service)} right?`;
  if (e.code === GrpcStatus.DEADLINE_EXCEEDED) return `${code}: ${where} did not answer ${e.method} in time`;
  if (e.code === GrpcStatus.UNIMPLEMENTED) return `${code}: ${where} does not implement ${e.method} (an older build?)`;
  if (e.code === GrpcStatus.UNAUTHENTICATED) return `${code}: ${where} refused the credentials (${e.details}): set MLOPS_TOKEN_FILE or MLOPS_TOKEN to a valid token ('mlops auth token')`;
  return `${code}: ${e.details || 'no details'} (${where})`;
}

/** Kafka client errors carry their class name; a broker that cannot be reached is the usual one. */
function kafkaMessage(error: Error, brokers?: string): string | undefined {
  if (!/^KafkaJS/.test(error.name)) return undefined;
  const where = brokers ? ` at ${brokers}` : '';
  if (/Connection|ECONNREFUSED|NumberOfRetriesExceeded|BrokerNotFound/i.test(`${error.name} ${error.message}`)) {
    return `cannot reach Kafka${where} (${error.message}); is the broker running? (address from KAFKA_BROKERS)`;
  }
  return `Kafka${where}: ${error.message}`;
}

export interface DescribedError {
  /** One line, starting with "error: ". */
  message: string;
  exitCode: number;
  /** For usage errors: the command whose --help to suggest. */
  helpFor?: string;
}

/** Any error as the line the CLI prints and the exit code it returns. */
export function describeError(error: unknown, context: { kafkaBrokers?: string } = {}): DescribedError {
  if (error instanceof UsageError) return { message: `error: ${error.message}`, exitCode: EXIT_USAGE, helpFor: error.command };
  if (error instanceof RemoteCallError) return { message: `error: ${remoteMessage(error)}`, exitCode: EXIT_FAILURE };
  if (error instanceof Error) {
    const kafka = kafkaMessage(error, context.kafkaBrokers);
    return { message: `error: ${kafka ?? error.message}`, exitCode: EXIT_FAILURE };
  }
  return { message: `error: ${String(error)}`, exitCode: EXIT_FAILURE };
}

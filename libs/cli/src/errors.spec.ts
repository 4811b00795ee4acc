import { status } from '@grpc/grpc-js';
import { CliError, EXIT_FAILURE, EXIT_USAGE, RemoteCallError, UsageError, connectFailure, describeError, statusName } from './errors';

const remote = (code: number, details: string, service: 'registry' | 'serving' = 'registry', address = '127.0.0.1:50054') =>
  new RemoteCallError(service, address, 'GetRegisteredModel', code, details);

describe('error mapping', () => {
  it('names the status, the server message and where the call went', () => {
    expect(describeError(remote(status.NOT_FOUND, 'model "x" does not exist'))).toEqual({
      message: 'error: NOT_FOUND: model "x" does not exist (registry at 127.0.0.1:50054)',
      exitCode: EXIT_FAILURE,
    });
    expect(describeError(remote(status.FAILED_PRECONDITION, 'model "churn" already has an active deployment', 'serving', '10.0.0.5:50055')).message).toBe(
      'error: FAILED_PRECONDITION: model "churn" already has an active deployment (serving at 10.0.0.5:50055)',
    );
  });

  it('says which service could not be reached, and which env key sets its address', () => {
    const refused = remote(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:50054 (2026-11-29T10:00:00.000Z)');
    expect(describeError(refused).message).toBe('error: UNAVAILABLE: cannot reach registry at 127.0.0.1:50054 (connection refused): is it running, and is REGISTRY_GRPC_URL right?');
    expect(connectFailure(refused)).toBe('connection refused');
    expect(connectFailure(remote(status.UNAVAILABLE, 'Name resolution failed for target dns:nowhere:1'))).toBe('unknown host');
  });

  it('keeps an UNAVAILABLE the service itself answered (its own upstream is down) as the service said it', () => {
    const answered = remote(status.UNAVAILABLE, 'registry is unavailable (UNAVAILABLE)', 'serving', '127.0.0.1:50055');
    expect(connectFailure(answered)).toBeUndefined();
    expect(describeError(answered).message).toBe('error: UNAVAILABLE: registry is unavailable (UNAVAILABLE) (serving at 127.0.0.1:50055)');
  });

  it('explains deadlines and methods the server does not have', () => {
    expect(describeError(remote(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.001s')).message).toBe('error: DEADLINE_EXCEEDED: registry at 127.0.0.1:50054 did not answer GetRegisteredModel in time');
    expect(describeError(remote(status.UNIMPLEMENTED, '')).message).toBe('error: UNIMPLEMENTED: registry at 127.0.0.1:50054 does not implement GetRegisteredModel (an older build?)');
  });

  it('gives usage errors exit code 2 and the command to ask for help', () => {
    expect(describeError(new UsageError('missing <name>', 'models get'))).toEqual({ message: 'error: missing <name>', exitCode: EXIT_USAGE, helpFor: 'models get' });
  });

  it('maps Kafka connection failures to the brokers it tried', () => {
    const kafka = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(describeError(kafka, { kafkaBrokers: '127.0.0.1:9092' }).message).toBe(
      'error: cannot reach Kafka at 127.0.0.1:9092 (Connection error: connect ECONNREFUSED 127.0.0.1:9092); is the broker running? (address from KAFKA_BROKERS)',
    );
  });

  it('prints anything else with exit code 1', () => {
    expect(describeError(new CliError('job j-1 failed'))).toEqual({ message: 'error: job j-1 failed', exitCode: EXIT_FAILURE });
    expect(describeError('odd')).toEqual({ message: 'error: odd', exitCode: EXIT_FAILURE });
    expect(statusName(5)).toBe('NOT_FOUND');
    expect(statusName(99)).toBe('UNKNOWN(99)');
  });
});

import { PoisonMessageError } from './codec';
import { failedPrecondition, notFound } from '@mlops/errors';
import { isPermanentError, isTransientError } from './errors';

describe('isTransientError', () => {
  it('recognises infrastructure outages', () => {
    expect(isTransientError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientError({ message: 'query failed', driverError: { code: '08006' } })).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('leader not available'), { retriable: true }))).toBe(true);
  });

  it('does not retry forever what is about the message or the code', () => {
    expect(isTransientError(new PoisonMessageError('undecodable'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

describe('isPermanentError', () => {
  it('gives up at once on domain errors retrying cannot fix, not on missing things', () => {
    expect(isPermanentError(failedPrecondition('idempotency key used for another model'))).toBe(true);
    expect(isPermanentError(notFound('model does not exist yet'))).toBe(false);
    expect(isPermanentError(new Error('boom'))).toBe(false);
  });
});

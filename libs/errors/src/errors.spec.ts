import { DomainError, isDomainError, notFound } from './index';

describe('DomainError', () => {
  it('carries its kind and message', () => {
    const error = notFound('dataset "trips" does not exist');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('NOT_FOUND');
    expect(error.message).toBe('dataset "trips" does not exist');
    expect(isDomainError(error)).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});

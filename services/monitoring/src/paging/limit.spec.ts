import { isDomainError } from '@mlops/errors';
import { resolveLimit } from './limit';

describe('resolveLimit', () => {
  it('takes 0 for the default and keeps a limit within the bound', () => {
    expect(resolveLimit(0, 200, 1000)).toBe(200);
    expect(resolveLimit(1, 200, 1000)).toBe(1);
    expect(resolveLimit(1000, 200, 1000)).toBe(1000);
  });

  it('refuses a limit past the bound or below 0, naming the field and the bound', () => {
    for (const limit of [1001, -1, 2.5]) {
      let error: unknown;
      try {
        resolveLimit(limit, 200, 1000);
      } catch (e) {
        error = e;
      }
      expect(isDomainError(error) && error.kind).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toBe(`limit must be an integer from 0 to 1000 (0 means 200), got ${limit}`);
    }
  });
});

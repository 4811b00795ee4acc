import { DomainError } from '@mlops/errors';
import { MICROS, decodePageToken, encodePageToken } from './page-token';

/** The error `fn` throws (it must throw one). */
function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('not refused');
}

describe('page tokens', () => {
  it('round-trip the fields they name', () => {
    const token = encodePageToken({ t: '1796418135288096', o: 300 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, { t: MICROS, o: 'count' })).toEqual({ t: '1796418135288096', o: 300 });
  });

  it.each([
    ['not base64url', 'abc$%'],
    ['not JSON', Buffer.from('{"o":').toString('base64url')],
    ['an array', Buffer.from('[1]').toString('base64url')],
    ['a field missing', encodePageToken({ t: '1' })],
    ['a field too many', encodePageToken({ t: '1', o: 1, x: 1 })],
    ['a negative offset', encodePageToken({ t: '1', o: -100 })],
    ['a fractional offset', encodePageToken({ t: '1', o: 1.5 })],
    ['a string offset', encodePageToken({ t: '1', o: '100' })],
    ['a field off its pattern', encodePageToken({ t: '12e5', o: 1 })],
  ])('are refused as INVALID_ARGUMENT when %s', (_what, token) => {
    const error = refusal(() => decodePageToken(token, { t: MICROS, o: 'count' }));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^page_token ".*" is not one this service gave$/);
  });
});

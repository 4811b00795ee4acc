import { auditPageSize, eventIdOfToken, tokenOfEventId } from './audit-page';

describe('audit paging', () => {
  it('defaults and caps the page size as the API always has', () => {
    expect([0, -5, 1, 250, 1000, 1001, 50_000].map(auditPageSize)).toEqual([100, 100, 1, 250, 1000, 1000, 1000]);
  });

  it('gives and reads back event ids as tokens', () => {
    for (const id of [1, 42, 9_007_199_254_740_991]) expect(eventIdOfToken(tokenOfEventId(id))).toBe(id);
  });

  it('knows no token it did not give', () => {
    for (const token of ['0', '-3', '07', '1.5', '1e3', ' 12', '12 ', 'abc', '9007199254740993', '12345678901234567', 'MTI=']) {
      expect({ token, id: eventIdOfToken(token) }).toEqual({ token, id: undefined });
    }
  });
});

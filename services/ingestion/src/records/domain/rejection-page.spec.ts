import { rejectionIdOfToken, rejectionPageSize, tokenOfRejectionId } from './rejection-page';

describe('rejected-record paging', () => {
  it('takes 0 for the default and refuses sizes out of range', () => {
    expect([0, 1, 100, 1000].map(rejectionPageSize)).toEqual([100, 1, 100, 1000]);
    expect([-1, 1001, 2.5].map(rejectionPageSize)).toEqual([undefined, undefined, undefined]);
  });

  it('reads back the ids it gives as tokens, and knows no other token', () => {
    for (const id of [1, 77, 9_007_199_254_740_991]) expect(rejectionIdOfToken(tokenOfRejectionId(id))).toBe(id);
    for (const token of ['0', '-4', '08', '3.0', 'x', ' 5', '9007199254740993']) expect({ token, id: rejectionIdOfToken(token) }).toEqual({ token, id: undefined });
  });
});

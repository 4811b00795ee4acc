import { UUID_PATTERN, idOfToken, idToken, keysetOfToken, keysetToken, pageFrom, pageSize, textOfToken, textToken } from './paging';

describe('paging', () => {
  it('takes 0 for the default and refuses sizes out of range, naming the limit', () => {
    expect([0, 1, 50, 500].map((l) => pageSize(l, { fallback: 50, max: 500 }))).toEqual([50, 1, 50, 500]);
    for (const l of [-1, 501, 1.5]) expect(() => pageSize(l, { fallback: 50, max: 500 })).toThrow(`limit must be between 0 and 500 (0 means 50), got ${l}`);
  });

  describe('keyset tokens', () => {
    const position = { createdUs: '1796418071229185', id: '0f8c7a1e-3b2d-4c5e-9f60-1a2b3c4d5e6f' };

    it('reads back the positions it gives', () => {
      const token = keysetToken(position);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(keysetOfToken(token, UUID_PATTERN)).toEqual(position);
      expect(keysetOfToken('', UUID_PATTERN)).toBeUndefined();
    });

    it('knows no token it did not give', () => {
      const valid = keysetToken(position);
      const encode = (text: string) => Buffer.from(text).toString('base64url');
      const tokens = [
        'garbage!',
        `${valid}=`,
        `${valid.slice(0, 4)} ${valid.slice(4)}`,
        encode(`${position.createdUs}.${position.id.toUpperCase()}`),
        encode(`${position.createdUs}.${position.id.replace(/-/g, '')}`),
        encode(`-1.${position.id}`),
        encode(`01.${position.id}`),
        encode(`${position.createdUs}:${position.id}`),
        encode(`${position.createdUs}.${position.id}'; DROP TABLE deployments; --`),
        encode(position.id),
        position.id,
      ];
      for (const token of tokens) expect(() => keysetOfToken(token, UUID_PATTERN)).toThrow('is not one this service gave');
      expect(keysetOfToken(encode(`1.${'a'.repeat(32)}`), /[0-9a-f]{32}/)).toEqual({ createdUs: '1', id: 'a'.repeat(32) });
    });
  });

  it('reads back the ids it gives as tokens, and knows no other token', () => {
    for (const id of [1, 77, 9_007_199_254_740_991]) expect(idOfToken(idToken(id))).toBe(id);
    expect(idOfToken('')).toBeUndefined();
    for (const token of ['0', '-4', '08', '3.0', 'x', ' 5', '9007199254740993']) expect(() => idOfToken(token)).toThrow(`page_token "${token}" is not one this service gave`);
  });

  it('hands out the page and a token only when more rows followed', () => {
    expect(pageFrom([1, 2, 3, 4], 3, String)).toEqual({ page: [1, 2, 3], nextPageToken: '3' });
    expect(pageFrom([1, 2, 3], 3, String)).toEqual({ page: [1, 2, 3], nextPageToken: '' });
    expect(pageFrom([], 3, String)).toEqual({ page: [], nextPageToken: '' });
  });

  it('reads back text positions whole, and knows no other token', () => {
    expect(textOfToken(textToken('churn-model'), /[a-z-]+/)).toBe('churn-model');
    expect(textOfToken('', /.*/)).toBeUndefined();
    for (const token of ['not ours!', textToken('churn model'), `${textToken('churn')}=`]) {
      expect(() => textOfToken(token, /[a-z-]+/)).toThrow(`page_token "${token}" is not one this service gave`);
    }
  });
});

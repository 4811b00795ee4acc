import { positionOfToken, snapshotPageSize, tokenOfPosition } from './snapshot-page';

describe('snapshot paging', () => {
  const position = { createdUs: '1796418071229185', id: '0123456789abcdef0123456789abcdef' };

  it('reads back the positions it gives as tokens', () => {
    const token = tokenOfPosition(position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(positionOfToken(token)).toEqual(position);
  });

  it('knows no token it did not give', () => {
    const valid = tokenOfPosition(position);
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    const tokens = [
      'garbage!',
      `${valid}=`,
      `${valid.slice(0, -1)}*${valid.slice(-1)}`,
      encode(`${position.createdUs}.${position.id.toUpperCase()}`),
      encode(`${position.createdUs}.${position.id.slice(1)}`),
      encode(`-1.${position.id}`),
      encode(`01.${position.id}`),
      encode(`${position.createdUs}:${position.id}`),
      encode(position.id),
      '1796418071229185',
    ];
    for (const token of tokens) expect({ token, position: positionOfToken(token) }).toEqual({ token, position: undefined });
  });

  it('takes 0 for the default and refuses sizes out of range', () => {
    expect([0, 1, 50, 500].map(snapshotPageSize)).toEqual([50, 1, 50, 500]);
    expect([-1, 501, 1.5].map(snapshotPageSize)).toEqual([undefined, undefined, undefined]);
  });
});

import { deploymentPageSize, positionOfToken, tokenOfPosition } from './deployment-page';

describe('deployment paging', () => {
  const position = { createdUs: '1796418071229185', id: '0f8c7a1e-3b2d-4c5e-9f60-1a2b3c4d5e6f' };

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
      `${valid.slice(0, 4)} ${valid.slice(4)}`,
      encode(`${position.createdUs}.${position.id.toUpperCase()}`),
      encode(`${position.createdUs}.${position.id.replace(/-/g, '')}`),
      encode(`-1.${position.id}`),
      encode(`${position.createdUs}.${position.id}'; DROP TABLE deployments; --`),
      encode(position.id),
      position.id,
    ];
    for (const token of tokens) expect({ token, position: positionOfToken(token) }).toEqual({ token, position: undefined });
  });

  it('takes 0 for the default and refuses sizes out of range', () => {
    expect([0, 1, 50, 500].map(deploymentPageSize)).toEqual([50, 1, 50, 500]);
    expect([-1, 501, 1000, 0.5].map(deploymentPageSize)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

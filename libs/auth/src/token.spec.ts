import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { TokenError, bearerToken, generateIssuerKeys, issueToken, keyId, parsePublicKeys, redactToken, verifyToken } from './token';

describe('bearer tokens', () => {
  const issuer = generateIssuerKeys();
  const keys = parsePublicKeys(issuer.publicKeyPem);
  const now = Date.UTC(2026, 11, 2, 12, 0, 0);
  const token = (over: Partial<Parameters<typeof issueToken>[1]> = {}) => issueToken(issuer.privateKeyPem, { sub: 'alice', roles: ['engineer'], ttlSeconds: 3600, now, ...over });
  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as TokenError).problem;
    }
    return 'accepted';
  };
  const part = (t: string, i: number) => JSON.parse(Buffer.from(t.split('.')[i]!, 'base64url').toString());
  const forge = (t: string, claims: object) => {
    const [h, , s] = t.split('.');
    return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  };

  it('carries subject, roles, issuer and lifetime, signed with EdDSA by a named key', () => {
    const t = token();
    expect(part(t, 0)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: keyId(createPublicKey(issuer.publicKeyPem)) });
    const claims = verifyToken(t, keys, { now: now + 1000 });
    expect(claims).toMatchObject({ sub: 'alice', roles: ['engineer'], iss: 'mlops', iat: now / 1000, exp: now / 1000 + 3600 });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses expired tokens (after a minute of leeway) and tokens from the future', () => {
    expect(problem(() => verifyToken(token(), keys, { now: now + 3600_000 + 59_000 }))).toBe('accepted');
    expect(problem(() => verifyToken(token(), keys, { now: now + 3600_000 + 61_000 }))).toBe('expired');
    expect(problem(() => verifyToken(token(), keys, { now: now - 120_000 }))).toBe('not-yet-valid');
  });

  it('refuses changed claims, other keys, other issuers and other algorithms', () => {
    const t = token();
    expect(problem(() => verifyToken(forge(t, { ...part(t, 1), roles: ['admin'] }), keys, { now }))).toBe('bad-signature');
    const other = parsePublicKeys(generateIssuerKeys().publicKeyPem);
    expect(problem(() => verifyToken(t, other, { now }))).toBe('unknown-key');
    expect(problem(() => verifyToken(token({ issuer: 'elsewhere' }), keys, { now }))).toBe('wrong-issuer');
    // alg "none" and HS256 signed with the public key as secret (the classic JWT confusions).
    const claims = Buffer.from(JSON.stringify(part(t, 1))).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: part(t, 0).kid })).toString('base64url')}.${claims}.`;
    expect(problem(() => verifyToken(none, keys, { now }))).toBe('bad-algorithm');
    const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: part(t, 0).kid })).toString('base64url');
    const hs = `${hsHeader}.${claims}.${createHmac('sha256', issuer.publicKeyPem).update(`${hsHeader}.${claims}`).digest('base64url')}`;
    expect(problem(() => verifyToken(hs, keys, { now }))).toBe('bad-algorithm');
  });

  it('refuses loosely encoded signatures, lifetimes that end before they start, and lifetimes over a year', () => {
    const t = token();
    expect(problem(() => verifyToken(`${t}=`, keys, { now }))).toBe('bad-signature');
    expect(problem(() => verifyToken(`${t.slice(0, -1)}!`, keys, { now }))).toBe('bad-signature');
    expect(() => token({ ttlSeconds: 400 * 86_400 })).toThrow(/ttl must be between/);
    // Claims signed with the real key but a lifetime the issuer would never give.
    const sign = (claims: object) => {
      const header = Buffer.from(JSON.stringify(part(t, 0))).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${header}.${body}.${edSign(null, Buffer.from(`${header}.${body}`), createPrivateKey(issuer.privateKeyPem)).toString('base64url')}`;
    };
    const base = part(t, 1);
    expect(problem(() => verifyToken(sign(base), keys, { now }))).toBe('accepted');
    expect(problem(() => verifyToken(sign({ ...base, exp: base.iat }), keys, { now }))).toBe('bad-claims');
    expect(problem(() => verifyToken(sign({ ...base, exp: base.iat + 10 ** 9 }), keys, { now }))).toBe('bad-claims');
    expect(problem(() => verifyToken(sign({ ...base, roles: 'admin' }), keys, { now }))).toBe('bad-claims');
  });

  it('refuses what is not a token', () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c', `${'x'.repeat(9000)}.a.b`]) expect(problem(() => verifyToken(bad, keys, { now }))).toMatch(/missing|malformed/);
  });

  it('issues only known roles and plain subjects', () => {
    expect(() => token({ roles: [] })).toThrow(/roles must be/);
    expect(() => token({ roles: ['root' as never] })).toThrow(/unknown: root/);
    expect(() => token({ sub: 'a b' })).toThrow(/subject/);
  });

  it('trusts several keys at once (rotation) and only Ed25519 keys', () => {
    const next = generateIssuerKeys();
    const both = parsePublicKeys(issuer.publicKeyPem + next.publicKeyPem);
    expect(both.size).toBe(2);
    expect(verifyToken(issueToken(next.privateKeyPem, { sub: 'bob', roles: ['viewer'], ttlSeconds: 60, now }), both, { now }).sub).toBe('bob');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parsePublicKeys(rsa)).toThrow(/not ed25519/);
    expect(() => parsePublicKeys('nothing')).toThrow(/no PUBLIC KEY/);
  });

  it('reads Bearer values and redacts tokens for logs', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(redactToken(token())).toMatch(/^.{8}…$/);
  });
});

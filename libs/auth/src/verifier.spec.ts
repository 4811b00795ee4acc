import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateIssuerKeys, issueToken } from './token';
import { TokenVerifier } from './verifier';

describe('TokenVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('remembers verified tokens only until they expire or the keys change', () => {
    const start = Date.UTC(2026, 11, 2, 12);
    jest.useFakeTimers({ now: start });
    const old = generateIssuerKeys();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'verifier-')), 'keys.pem');
    writeFileSync(file, old.publicKeyPem);
    const verifier = new TokenVerifier(file, 'mlops');
    const token = issueToken(old.privateKeyPem, { sub: 'alice', roles: ['viewer'], ttlSeconds: 60 });
    expect(verifier.verify(token).sub).toBe('alice');
    expect(verifier.verify(token).sub).toBe('alice');
    jest.setSystemTime(start + 121_000);
    expect(() => verifier.verify(token)).toThrow('token refused: expired');

    // The old key is replaced: its tokens stop working at the next check of the file.
    const fresh = issueToken(old.privateKeyPem, { sub: 'bob', roles: ['viewer'], ttlSeconds: 600 });
    expect(verifier.verify(fresh).sub).toBe('bob');
    writeFileSync(file, generateIssuerKeys().publicKeyPem);
    utimesSync(file, new Date(start + 125_000), new Date(start + 125_000));
    jest.setSystemTime(start + 135_000);
    expect(() => verifier.verify(fresh)).toThrow('token refused: unknown-key');
  });
});

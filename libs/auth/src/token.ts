import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { ROLES, type Role } from './roles';

/**
 * Bearer tokens: JSON Web Tokens signed with Ed25519 (JWS `alg: EdDSA`, RFC 8037). The issuer's
 * private key signs (only `mlops auth` holds it); services hold public keys only, so a
 * compromised service cannot mint tokens. Several public keys may be trusted at once (rotation);
 * a token names its key by `kid`, the key's fingerprint.
 */
export interface TokenClaims {
  /** Who: a person ("alice") or a service ("service:serving"). */
  sub: string;
  roles: Role[];
  /** Issuer, checked against the verifier's. */
  iss: string;
  /** Issued at / expires at, Unix seconds. */
  iat: number;
  exp: number;
  /** Token id, for the audit log. */
  jti: string;
}

export const DEFAULT_ISSUER = 'mlops';
/** The longest lifetime a token may have (a year); longer ones are refused when issued and when verified. */
export const MAX_LIFETIME_S = 366 * 86_400;
/** Clock difference tolerated between issuer and verifier. */
export const LEEWAY_S = 60;
const SUBJECT = /^[A-Za-z0-9._@:-]{1,128}$/;

/** Why a token was refused: logged and counted by the service, never told to the caller. */
export type TokenProblem = 'missing' | 'malformed' | 'bad-algorithm' | 'unknown-key' | 'bad-signature' | 'expired' | 'not-yet-valid' | 'wrong-issuer' | 'bad-claims';

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`token refused: ${problem}`);
    this.name = 'TokenError';
  }
}

/** The fingerprint a token's `kid` names its key by: 16 hex digits of the SPKI's SHA-256. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function generateIssuerKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The public keys in a PEM text (one or more `PUBLIC KEY` blocks), by key id. Only Ed25519. */
export function parsePublicKeys(pem: string): Map<string, KeyObject> {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  const keys = new Map<string, KeyObject>();
  for (const block of blocks) {
    const key = createPublicKey(block);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`public key is ${key.asymmetricKeyType}, not ed25519`);
    keys.set(keyId(key), key);
  }
  if (keys.size === 0) throw new Error('no PUBLIC KEY block found');
  return keys;
}

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export interface IssueOptions {
  sub: string;
  roles: Role[];
  ttlSeconds: number;
  issuer?: string;
  now?: number;
}

/** Signs a token with the issuer's private key (PKCS#8 PEM). */
export function issueToken(privateKeyPem: string, options: IssueOptions): string {
  if (!SUBJECT.test(options.sub)) throw new Error(`subject "${options.sub}" must be 1-128 of A-Z a-z 0-9 . _ @ : -`);
  const unknown = options.roles.filter((r) => !ROLES.includes(r));
  if (options.roles.length === 0 || unknown.length > 0) throw new Error(`roles must be some of ${ROLES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  if (!(options.ttlSeconds > 0) || options.ttlSeconds > MAX_LIFETIME_S) throw new Error(`ttl must be between 1 s and ${MAX_LIFETIME_S / 86_400} days`);
  const privateKey = createPrivateKey(privateKeyPem);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const header = { alg: 'EdDSA', typ: 'JWT', kid: keyId(createPublicKey(privateKey)) };
  const claims: TokenClaims = { iss: options.issuer ?? DEFAULT_ISSUER, sub: options.sub, roles: options.roles, iat, exp: iat + Math.round(options.ttlSeconds), jti: randomUUID() };
  const signingInput = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  return `${signingInput}.${b64(sign(null, Buffer.from(signingInput), privateKey))}`;
}

/** Checks a token's form, algorithm, key, signature, issuer, lifetime and claims; throws TokenError. */
export function verifyToken(token: string | undefined, keys: Map<string, KeyObject>, options: { issuer?: string; now?: number } = {}): TokenClaims {
  if (!token) throw new TokenError('missing');
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 8192) throw new TokenError('malformed');
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart) as { alg?: unknown; kid?: unknown };
  // Only EdDSA: "none" and HMAC algorithms (the classic JWT confusion attacks) are refused.
  if (header.alg !== 'EdDSA') throw new TokenError('bad-algorithm');
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) throw new TokenError('unknown-key');
  // An Ed25519 signature is 64 bytes: exactly 86 base64url characters, nothing looser.
  if (!/^[A-Za-z0-9_-]{86}$/.test(signaturePart)) throw new TokenError('bad-signature');
  if (!verify(null, Buffer.from(`${headerPart}.${claimsPart}`), key, Buffer.from(signaturePart, 'base64url'))) throw new TokenError('bad-signature');
  const claims = parseJson(claimsPart) as Partial<TokenClaims>;
  if (claims.iss !== (options.issuer ?? DEFAULT_ISSUER)) throw new TokenError('wrong-issuer');
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || !(claims.exp > claims.iat) || claims.exp - claims.iat > MAX_LIFETIME_S) throw new TokenError('bad-claims');
  if (now > claims.exp + LEEWAY_S) throw new TokenError('expired');
  if (claims.iat > now + LEEWAY_S) throw new TokenError('not-yet-valid');
  const roles = claims.roles;
  if (typeof claims.sub !== 'string' || !SUBJECT.test(claims.sub) || !Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r))) throw new TokenError('bad-claims');
  return { iss: claims.iss, sub: claims.sub, roles, iat: claims.iat, exp: claims.exp, jti: typeof claims.jti === 'string' ? claims.jti : '' };
}

function parseJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new TokenError('malformed');
}

/** The token in an `authorization` value ("Bearer <token>"), if it has that form. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** A token cut to its first characters, for logs ("eyJhbGci…"): the signature never appears. */
export function redactToken(token: string): string {
  return token.length <= 8 ? '…' : `${token.slice(0, 8)}…`;
}

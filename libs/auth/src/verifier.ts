import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { LEEWAY_S, type TokenClaims, parsePublicKeys, verifyToken } from './token';

const RECHECK_MS = 10_000;
/** Verified tokens remembered, so a client's repeated calls cost one signature check (~0.1 ms each). */
const VERIFIED_CACHE = 1024;

/**
 * A file read once and again whenever it changes (checked every 10 s): Kubernetes Secrets are
 * rotated in place. If a changed file cannot be read or parsed, the last good value is kept and
 * `onError` is told.
 */
class WatchedFile<T> {
  private current: T;
  private mtimeMs: number;
  private checkedAt = Date.now();

  constructor(
    private readonly file: string,
    private readonly parse: (text: string) => T,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.current = parse(readFileSync(file, 'utf8'));
    this.mtimeMs = statSync(file).mtimeMs;
  }

  /** The value, re-read first if the file changed; `changed` says whether it just was. */
  read(): { value: T; changed: boolean } {
    if (Date.now() - this.checkedAt < RECHECK_MS) return { value: this.current, changed: false };
    this.checkedAt = Date.now();
    try {
      const mtimeMs = statSync(this.file).mtimeMs;
      if (mtimeMs === this.mtimeMs) return { value: this.current, changed: false };
      this.current = this.parse(readFileSync(this.file, 'utf8'));
      this.mtimeMs = mtimeMs;
      return { value: this.current, changed: true };
    } catch (error) {
      this.onError(`${this.file} changed but cannot be used, the value in use is kept: ${(error as Error).message}`);
      return { value: this.current, changed: false };
    }
  }
}

/**
 * Verifies bearer tokens against the public keys in a PEM file, re-read when the file changes
 * (rotation: add the new key, issue new tokens, remove the old key). Tokens already verified are
 * remembered until they expire or the keys change.
 */
export class TokenVerifier {
  private readonly keys: WatchedFile<Map<string, KeyObject>>;
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    keyFile: string,
    private readonly issuer: string,
    /** Told when a changed key file cannot be used (the keys in use are kept). */
    onReloadError?: (message: string) => void,
  ) {
    this.keys = new WatchedFile(keyFile, parsePublicKeys, onReloadError);
  }

  verify(token: string | undefined): TokenClaims {
    const { value: keys, changed } = this.keys.read();
    if (changed) this.verified.clear();
    const known = token ? this.verified.get(token) : undefined;
    // Expiry is checked again on every use, with verifyToken's leeway.
    if (known && Date.now() / 1000 <= known.exp + LEEWAY_S) return known;
    if (known) this.verified.delete(token!);
    const claims = verifyToken(token, keys, { issuer: this.issuer });
    if (this.verified.size >= VERIFIED_CACHE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token!, claims);
    return claims;
  }
}

/** A token held in a file (a Kubernetes Secret, rotated in place), re-read when it changes. */
export class TokenFile {
  private readonly file: WatchedFile<string>;

  constructor(file: string) {
    this.file = new WatchedFile(file, (text) => text.trim());
  }

  get value(): string {
    return this.file.read().value;
  }
}

import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type TokenClaims, parsePublicKeys, verifyToken } from './token';

const RECHECK_MS = 10_000;

/**
 * Verifies bearer tokens against the public keys in a PEM file, re-read when the file changes
 * (rotation: add the new key, issue new tokens, remove the old key).
 */
export class TokenVerifier {
  private keys: Map<string, KeyObject>;
  private mtimeMs: number;
  private checkedAt = Date.now();

  constructor(
    private readonly keyFile: string,
    private readonly issuer: string,
    /** Told when a changed key file cannot be used (the keys in use are kept). */
    private readonly onReloadError: (message: string) => void = () => undefined,
  ) {
    this.keys = parsePublicKeys(readFileSync(keyFile, 'utf8'));
    this.mtimeMs = statSync(keyFile).mtimeMs;
  }

  verify(token: string | undefined): TokenClaims {
    this.reloadIfChanged();
    return verifyToken(token, this.keys, { issuer: this.issuer });
  }

  private reloadIfChanged(): void {
    if (Date.now() - this.checkedAt < RECHECK_MS) return;
    this.checkedAt = Date.now();
    try {
      const mtimeMs = statSync(this.keyFile).mtimeMs;
      if (mtimeMs === this.mtimeMs) return;
      this.keys = parsePublicKeys(readFileSync(this.keyFile, 'utf8'));
      this.mtimeMs = mtimeMs;
    } catch (error) {
      // A file being replaced or unreadable for a moment: keep the keys we have, and say so.
      this.onReloadError(`${this.keyFile} changed but cannot be used, the keys in use are kept: ${(error as Error).message}`);
    }
  }
}

/** A token held in a file (a Kubernetes Secret, rotated in place), re-read when it changes. */
export class TokenFile {
  private token: string;
  private mtimeMs: number;
  private checkedAt = Date.now();

  constructor(private readonly file: string) {
    this.token = readFileSync(file, 'utf8').trim();
    this.mtimeMs = statSync(file).mtimeMs;
  }

  get value(): string {
    if (Date.now() - this.checkedAt >= RECHECK_MS) {
      this.checkedAt = Date.now();
      try {
        const mtimeMs = statSync(this.file).mtimeMs;
        if (mtimeMs !== this.mtimeMs) {
          this.token = readFileSync(this.file, 'utf8').trim();
          this.mtimeMs = mtimeMs;
        }
      } catch {
        // keep the token we have
      }
    }
    return this.token;
  }
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Role, SERVICE_ROLES, generateIssuerKeys, issueToken } from '@mlops/auth';

/**
 * A token issuer of the test process's own: an Ed25519 key pair made at first use, its public
 * key in a file every service started by the helpers trusts, and tokens for the services and
 * for the tests' clients. Tests run with authentication on, as production does.
 */
class TestIssuer {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'mlops-auth-'));
  private readonly keys = generateIssuerKeys();
  readonly publicKeysFile = path.join(this.dir, 'issuer.pub.pem');
  private readonly tokenFiles = new Map<string, string>();
  /** An admin token: what the tests' clients send unless told otherwise. */
  readonly adminToken: string;

  constructor() {
    writeFileSync(this.publicKeysFile, this.keys.publicKeyPem);
    this.adminToken = this.token('test-admin', ['admin']);
  }

  token(sub: string, roles: Role[], ttlSeconds = 24 * 3600, now?: number): string {
    return issueToken(this.keys.privateKeyPem, { sub, roles, ttlSeconds, now });
  }

  /** The file holding service `name`'s own token (`service:<name>` with its roles). */
  serviceTokenFile(name: string): string {
    let file = this.tokenFiles.get(name);
    if (!file) {
      file = path.join(this.dir, `${name}.token`);
      writeFileSync(file, this.token(`service:${name}`, SERVICE_ROLES[name] ?? ['viewer']), { mode: 0o600 });
      this.tokenFiles.set(name, file);
    }
    return file;
  }

  /** The env a service needs to check tokens and call others as itself. */
  serviceEnv(name: string): Record<string, string> {
    return { MLOPS_AUTH_PUBLIC_KEYS_FILE: this.publicKeysFile, MLOPS_AUTH_TOKEN_FILE: this.serviceTokenFile(name) };
  }
}

let issuer: TestIssuer | undefined;

export function testIssuer(): TestIssuer {
  issuer ??= new TestIssuer();
  return issuer;
}

/** `Authorization: Bearer <admin token>` for fetch() calls to a service's HTTP port. */
export function authHeaders(token = testIssuer().adminToken): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** gRPC metadata that calls as `principal` (a token of the test issuer with `roles`, default admin). */
export function asPrincipal(principal: string, roles: Role[] = ['admin']): Record<string, string> {
  return { authorization: `Bearer ${testIssuer().token(principal, roles)}` };
}

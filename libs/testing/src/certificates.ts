import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  /** cert and key files of each name asked for (CN = name; SAN 127.0.0.1 and localhost). */
  of(name: string): { certFile: string; keyFile: string };
  /** MLOPS_TLS_* for a service or a CLI client using `name`'s certificate. */
  env(name: string): Record<string, string>;
}

/** A certificate authority of its own and a certificate per name, made with openssl (EC P-256, 1 day). */
export function makeTestCertificates(names: string[]): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlops-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=mlops-test-ca');
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  for (const name of names) {
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', 'san.ext');
  }
  const of = (name: string) => ({ certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`) });
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    of,
    env: (name) => ({ MLOPS_TLS_CA_FILE: path.join(dir, 'ca.pem'), MLOPS_TLS_CERT_FILE: of(name).certFile, MLOPS_TLS_KEY_FILE: of(name).keyFile }),
  };
}

// How scripts/env.sh chooses DATABASE_URL / TEST_DATABASE_URL: the caller's, else the embedded
// server's (.cache/pg/env), else 127.0.0.1:5432; and chosen again when sourced after setup.sh.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { embeddedLayout, writeEnvFile } from './embedded-pg.mts';

const envSh = resolve(process.env.MLOPS_ROOT ?? resolve(process.cwd(), '..', '..'), 'scripts', 'env.sh');
const cache = mkdtempSync(join(tmpdir(), 'mlops-env-sh-'));
const layout = embeddedLayout(cache);
afterAll(() => rmSync(cache, { recursive: true, force: true }));
afterEach(() => rmSync(layout.envFile, { force: true }));

/** Runs `script` in bash with only the given variables (and a PATH with this Node) and returns its output. */
function bash(script: string, vars: Record<string, string> = {}): string {
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, MLOPS_CACHE: cache, ...vars };
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bash exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}
const show = 'echo "$DATABASE_URL $TEST_DATABASE_URL"';

describe('scripts/env.sh', () => {
  it('defaults to the server on 127.0.0.1:5432', () => {
    expect(bash(`source ${envSh}; ${show}`)).toBe('postgres://postgres@127.0.0.1:5432/mlops postgres://postgres@127.0.0.1:5432/mlops_test');
  });

  it('uses the embedded server when setup.sh left its URLs', () => {
    writeEnvFile(layout, 54329);
    expect(bash(`source ${envSh}; ${show}`)).toBe('postgres://postgres@127.0.0.1:54329/mlops postgres://postgres@127.0.0.1:54329/mlops_test');
  });

  it('keeps what the caller set, each variable on its own', () => {
    writeEnvFile(layout, 54329);
    expect(bash(`source ${envSh}; ${show}`, { TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mine' }))
      .toBe('postgres://postgres@127.0.0.1:54329/mlops postgres://postgres@127.0.0.1:5432/mine');
    expect(bash(`source ${envSh}; ${show}`, { DATABASE_URL: 'postgres://app@db:6432/x' }))
      .toBe('postgres://app@db:6432/x postgres://postgres@127.0.0.1:54329/mlops_test');
  });

  it('chooses again when sourced after the set-up started the embedded server', () => {
    const script = `source ${envSh}; ${show}; printf 'DATABASE_URL=postgres://postgres@127.0.0.1:54330/mlops\\n' >${layout.envFile}; bash -c 'source ${envSh}; ${show}'`;
    expect(bash(script).split('\n')).toEqual([
      'postgres://postgres@127.0.0.1:5432/mlops postgres://postgres@127.0.0.1:5432/mlops_test',
      'postgres://postgres@127.0.0.1:54330/mlops postgres://postgres@127.0.0.1:5432/mlops_test',
    ]);
  });

  it('reads only the two URL keys from the file', () => {
    mkdirSync(dirname(layout.envFile), { recursive: true });
    writeFileSync(layout.envFile, 'PATH=/nowhere\nDATABASE_URL=postgres://postgres@127.0.0.1:54331/mlops\n$(touch /tmp/x)=1\n');
    expect(bash(`source ${envSh}; echo "$DATABASE_URL"; case "$PATH" in *nowhere*) echo PATH changed ;; *) echo PATH kept ;; esac`))
      .toBe('postgres://postgres@127.0.0.1:54331/mlops\nPATH kept');
  });
});

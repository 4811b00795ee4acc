import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The binaries of the installed PostgreSQL (Debian keeps them per major version). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return path.join(root, version, 'bin');
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, its own port), so a
 * test can stop and restart it without disturbing the shared server. As root (CI) it runs as
 * the `postgres` user, which initdb requires.
 */
export class PrivatePostgres {
  private dir?: string;

  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(tmpdir(), 'pg-'));
      if (userInfo().uid === 0) await run('chown', ['postgres:postgres', this.dir]);
      await this.as(path.join(postgresBin(), 'initdb'), ['-D', this.dir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    }
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=100`;
    await this.as(path.join(postgresBin(), 'pg_ctl'), ['-D', this.dir, '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** `immediate` is a crash as far as the data goes: no checkpoint, recovery from the WAL at the next start. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (this.dir) await this.as(path.join(postgresBin(), 'pg_ctl'), ['-D', this.dir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops it and deletes its data. */
  async wipe(): Promise<void> {
    await this.stop().catch(() => undefined);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async as(command: string, args: string[]): Promise<void> {
    const [file, argv] = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    await run(file, argv, { timeout: 120_000 });
  }
}


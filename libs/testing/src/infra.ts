import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * Where integration tests find their broker and database. By default the ones the project's
 * scripts start (scripts/test.sh starts Kafka and prepares Postgres); KAFKA_BROKERS and
 * TEST_DATABASE_URL point elsewhere. Every run gets its own schema names, so runs never collide.
 */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mlops_test';
}

/** A schema (or topic/group suffix) unique to this test run: `t_<prefix>_<random>`. */
export function uniqueName(prefix: string): string {
  return `t_${prefix.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after the timeout. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 30_000,
    intervalMs = 200,
    what = 'condition',
    fail,
  }: { timeoutMs?: number; intervalMs?: number; what?: string; /** Gives up at once when it returns a reason. */ fail?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = fail?.();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

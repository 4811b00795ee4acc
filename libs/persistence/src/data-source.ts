import { Client } from 'pg';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * Every service owns one Postgres schema and reaches it through TypeORM with migrations;
 * `synchronize` is never used, so the schema a service runs against is exactly the one its
 * migrations describe.
 */
export interface DataSourceOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** The service's own schema, e.g. "registry". */
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /** Connections in the pool. */
  poolSize?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** TypeORM subscribers (classes), e.g. the one that writes a call's audit record in its transaction. */
  subscribers?: Function[];
}

export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  assertIdentifier(options.schema);
  await ensureDatabase(options.url);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: options.applicationName,
    subscribers: options.subscribers ?? [],
    poolSize: options.poolSize ?? 10,
    // Fail fast when the server is gone; readiness and retries are handled above this layer.
    connectTimeoutMS: 5000,
    extra: { idleTimeoutMillis: 30_000 },
  });
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** The schema a migration runs in (migrations are shared between services, schemas are not). */
export function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as PostgresConnectionOptions).schema;
  if (!schema) throw new Error('data source has no schema');
  return assertIdentifier(schema);
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL names no database');
  assertIdentifier(database);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        // Two services starting together may race to create it.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** Checks the database answers within the timeout. */
export async function pingDatabase(dataSource: DataSource, timeoutMs = 2000): Promise<void> {
  await withTimeout(dataSource.query('SELECT 1'), timeoutMs, 'database did not answer');
}

export function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`"${name}" is not a valid lower-case SQL identifier`);
  }
  return name;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `fn` a bounded number of times with a fixed delay (start-up against a server that is coming up). */
export async function withRetries<T>(
  fn: () => Promise<T>,
  { attempts, delayMs, onRetry }: { attempts: number; delayMs: number; onRetry?: (error: Error, attempt: number) => void },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      onRetry?.(error as Error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** The rows of a raw query: TypeORM answers UPDATE/DELETE … RETURNING with [rows, count]. */
export function returnedRows<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, testDatabaseUrl, testKafkaBrokers, uniqueName, waitFor } from './infra';
import { ServiceProcess, httpGet } from './service-process';
import { testIssuer } from './auth';

export interface RunningService {
  proc: ServiceProcess;
  name: string;
  grpcAddress: string;
  httpUrl: string;
  schema: string;
  stop(): Promise<number | null>;
}

const ENV_PREFIX: Record<string, string> = {
  ingestion: 'INGESTION',
  'feature-store': 'FEATURE_STORE',
  training: 'TRAINING',
  registry: 'REGISTRY',
  serving: 'SERVING',
  monitoring: 'MONITORING',
  console: 'CONSOLE',
};

export function envPrefixOf(service: string): string {
  const prefix = ENV_PREFIX[service];
  if (!prefix) throw new Error(`unknown service ${service}`);
  return prefix;
}

/**
 * Starts a service process on free ports with its own schema and consumer group in the test
 * database, so tests never collide with each other or with a running platform. It trusts the
 * test issuer's key and calls others with its own token (see auth.ts).
 */
export async function startPlatformService(
  name: string,
  options: { env?: Record<string, string>; waitReady?: boolean; kafkaBrokers?: string[]; root?: string; nodeArgs?: string[] } = {},
): Promise<RunningService> {
  const prefix = envPrefixOf(name);
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  // A restarted replica is given the schema of the one it replaces.
  const schema = options.env?.[`${prefix}_DB_SCHEMA`] ?? uniqueName(name.replace('-', '_'));
  const proc = new ServiceProcess(name, {
    [`${prefix}_GRPC_PORT`]: String(grpcPort),
    [`${prefix}_HTTP_PORT`]: String(httpPort),
    [`${prefix}_DB_SCHEMA`]: schema,
    [`${prefix}_CONSUMER_GROUP`]: `${name}-${schema}`,
    KAFKA_BROKERS: (options.kafkaBrokers ?? testKafkaBrokers()).join(','),
    DATABASE_URL: testDatabaseUrl(),
    READINESS_INTERVAL_MS: '500',
    LOG_LEVEL: 'info',
    // The console holds no token of its own: it calls with its users' tokens.
    ...(name === 'console' ? { MLOPS_AUTH_PUBLIC_KEYS_FILE: testIssuer().publicKeysFile } : testIssuer().serviceEnv(name)),
    ...options.env,
  }, options.root, options.nodeArgs).start();
  const service: RunningService = {
    proc,
    name,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    schema,
    stop: () => proc.stop(),
  };
  if (options.waitReady ?? true) await waitUntilReady(service);
  return service;
}

export async function waitUntilReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await httpGet(`${service.httpUrl}/health/ready`)).status === 200, {
    timeoutMs,
    what: `${service.name} ready`,
    fail: () => {
      const failure = service.proc.logs.find((l) => l.msg === 'service failed to start' || l.nestContext === 'ExceptionHandler');
      return failure ? `${service.name} failed to start: ${JSON.stringify(failure).slice(0, 2000)} ${service.proc.stderr}` : undefined;
    },
  });
}

/** All six services, wired to each other as a deployment wires them. */
export interface RunningPlatform {
  services: RunningService[];
  service(name: string): RunningService;
  /** <SERVICE>_GRPC_URL of each, for clients (the CLI's, the demo scenario's). */
  addresses: Record<string, string>;
  /** The addresses and MLOPS_TOKEN (the test issuer's admin token): the env a CLI client needs. */
  clientEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the six services as processes (each on free ports, with its own schema and consumer
 * group), upstreams pointed at each other and registry artifacts in a temporary directory.
 * `env` is given to every service; `serviceEnv` to one.
 */
export async function startPlatform(options: { env?: Record<string, string>; serviceEnv?: Record<string, Record<string, string>> } = {}): Promise<RunningPlatform> {
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'platform-'));
  const start = (name: string, env: Record<string, string> = {}) => startPlatformService(name, { env: { ...options.env, ...env, ...options.serviceEnv?.[name] } });
  const services: RunningService[] = [];
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
    await rm(artifactDir, { recursive: true, force: true });
  };
  try {
    const [ingestion, registry] = await Promise.all([start('ingestion'), start('registry', { REGISTRY_ARTIFACT_DIR: artifactDir })]);
    services.push(ingestion, registry);
    const featureStore = await start('feature-store', { INGESTION_GRPC_URL: ingestion.grpcAddress });
    services.push(featureStore);
    const upstream = { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: featureStore.grpcAddress };
    services.push(...(await Promise.all(['training', 'serving', 'monitoring'].map((name) => start(name, upstream)))));
  } catch (error) {
    await stop();
    throw error;
  }
  const addresses = Object.fromEntries(services.map((s) => [`${envPrefixOf(s.name)}_GRPC_URL`, s.grpcAddress]));
  const clientEnv = { ...addresses, MLOPS_TOKEN: testIssuer().adminToken };
  return { services, service: (name) => services.find((s) => s.name === name)!, addresses, clientEnv, stop };
}

/** The console, pointed at a running platform's six services (its web app must be built: nx build @mlops/console). */
export function startConsole(platform: RunningPlatform, env: Record<string, string> = {}): Promise<RunningService> {
  return startPlatformService('console', { env: { ...platform.addresses, ...env } });
}

import { ConfigError, type ConfigOf, type EnvVar, file, hostPorts, int, oneOf, port, readEnv, sqlIdentifier, str, url } from '@mlops/config';
import { type ServiceDefinition, upstreamEnvKey } from './service-definition';

/** The env keys every service reads, with defaults for one machine (see the README). */
export function platformConfigSpec(def: ServiceDefinition) {
  return {
    grpcPort: [`${def.envPrefix}_GRPC_PORT`, port(def.defaultGrpcPort)],
    httpPort: [`${def.envPrefix}_HTTP_PORT`, port(def.defaultHttpPort)],
    bindHost: ['BIND_HOST', str('127.0.0.1')],
    kafkaBrokers: ['KAFKA_BROKERS', hostPorts(['127.0.0.1:9092'])],
    // The broker's listener (docs/security.md "The broker checks who writes"): SASL/SCRAM with a
    // user per service (its name by default), TLS with the broker's CA.
    kafkaSecurityProtocol: ['KAFKA_SECURITY_PROTOCOL', oneOf(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const, 'PLAINTEXT')],
    kafkaSaslMechanism: ['KAFKA_SASL_MECHANISM', oneOf(['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const, 'SCRAM-SHA-512')],
    kafkaSaslUsername: ['KAFKA_SASL_USERNAME', str(def.name)],
    kafkaSaslPasswordFile: ['KAFKA_SASL_PASSWORD_FILE', file('')],
    kafkaTlsCaFile: ['KAFKA_TLS_CA_FILE', file('')],
    topicPartitions: ['KAFKA_TOPIC_PARTITIONS', int(3, 1, 1000)],
    consumerGroup: [`${def.envPrefix}_CONSUMER_GROUP`, str(def.name)],
    // How soon the group gives a dead member's partitions to the others (the broker allows 6 s to 5 min).
    kafkaSessionTimeoutMs: ['KAFKA_SESSION_TIMEOUT_MS', int(30_000, 6000, 300_000)],
    consumerConcurrency: [`${def.envPrefix}_CONSUMER_CONCURRENCY`, int(def.defaultConsumerConcurrency ?? 1, 1, 64)],
    databaseUrl: ['DATABASE_URL', url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/mlops')],
    dbSchema: [`${def.envPrefix}_DB_SCHEMA`, sqlIdentifier(def.schema)],
    dbPoolSize: [`${def.envPrefix}_DB_POOL_SIZE`, int(10, 1, 200)],
    logLevel: ['LOG_LEVEL', oneOf(['debug', 'info', 'warn', 'error'] as const, 'info')],
    readinessIntervalMs: ['READINESS_INTERVAL_MS', int(5000, 100, 600_000)],
    // Security (docs/security.md): bearer tokens checked against the issuer's public keys; the
    // service's own token for the calls it makes; mutual TLS when the three TLS files are given.
    authMode: ['MLOPS_AUTH', oneOf(['required', 'disabled'] as const, 'required')],
    authPublicKeysFile: ['MLOPS_AUTH_PUBLIC_KEYS_FILE', file('')],
    authIssuer: ['MLOPS_AUTH_ISSUER', str('mlops')],
    authTokenFile: ['MLOPS_AUTH_TOKEN_FILE', file('')],
    tlsCertFile: ['MLOPS_TLS_CERT_FILE', file('')],
    tlsKeyFile: ['MLOPS_TLS_KEY_FILE', file('')],
    tlsCaFile: ['MLOPS_TLS_CA_FILE', file('')],
  } as const;
}

type Spec = ReturnType<typeof platformConfigSpec>;
export type PlatformConfig = { [K in keyof Spec]: Spec[K][1] extends EnvVar<infer T> ? T : never } & {
  service: string;
  version: string;
  /** Upstream gRPC addresses by service name. */
  upstream: Record<string, string>;
};

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadPlatformConfig(def: ServiceDefinition, env: Record<string, string | undefined> = process.env): PlatformConfig {
  const spec = platformConfigSpec(def);
  const envSpec: Record<string, EnvVar<unknown>> = {};
  for (const [envKey, parser] of Object.values(spec)) envSpec[envKey] = parser;
  for (const up of def.upstream ?? []) envSpec[upstreamEnvKey(up.name)] = hostPorts([up.defaultUrl]);
  const values: ConfigOf<typeof envSpec> = readEnv(envSpec, env);

  const config: Record<string, unknown> = { service: def.name, version: def.version ?? '0.1.0', upstream: {} };
  for (const [field, [envKey]] of Object.entries(spec)) config[field] = values[envKey];
  for (const up of def.upstream ?? []) (config.upstream as Record<string, string>)[up.name] = (values[upstreamEnvKey(up.name)] as string[])[0];
  checkSecurity(config as PlatformConfig, def);
  return config as PlatformConfig;
}

/** The security settings that only make sense together. */
function checkSecurity(config: PlatformConfig, def: ServiceDefinition): void {
  const problems: string[] = [];
  if (config.authMode === 'required') {
    if (!config.authPublicKeysFile) problems.push('MLOPS_AUTH_PUBLIC_KEYS_FILE is required (the issuer\'s public keys), unless MLOPS_AUTH=disabled');
    if (!config.authTokenFile && (def.upstream ?? []).length > 0) problems.push(`MLOPS_AUTH_TOKEN_FILE is required (${def.name}'s own token for calling ${def.upstream!.map((u) => u.name).join(', ')}), unless MLOPS_AUTH=disabled`);
  }
  const tls = [config.tlsCertFile, config.tlsKeyFile, config.tlsCaFile].filter(Boolean).length;
  if (tls !== 0 && tls !== 3) problems.push('MLOPS_TLS_CERT_FILE, MLOPS_TLS_KEY_FILE and MLOPS_TLS_CA_FILE are needed together (mutual TLS), or none of them');
  if (config.kafkaSecurityProtocol.startsWith('SASL_') && !config.kafkaSaslPasswordFile) {
    problems.push(`KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL=${config.kafkaSecurityProtocol} (the password of Kafka user "${config.kafkaSaslUsername}")`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

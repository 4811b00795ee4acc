import { ConfigError } from '@mlops/config';
import { loadPlatformConfig } from './platform-config';
import type { ServiceDefinition } from './service-definition';

const def: ServiceDefinition = {
  name: 'feature-store',
  envPrefix: 'FEATURE_STORE',
  schema: 'features',
  defaultGrpcPort: 50052,
  defaultHttpPort: 8082,
  upstream: [{ name: 'ingestion', defaultUrl: '127.0.0.1:50051' }],
};

describe('loadPlatformConfig', () => {
  it('uses the one-machine defaults of the architecture note', () => {
    expect(loadPlatformConfig(def, { MLOPS_AUTH: 'disabled' })).toMatchObject({
      service: 'feature-store',
      grpcPort: 50052,
      httpPort: 8082,
      kafkaBrokers: ['127.0.0.1:9092'],
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/mlops',
      dbSchema: 'features',
      consumerGroup: 'feature-store',
      upstream: { ingestion: '127.0.0.1:50051' },
    });
  });

  it('reads service-prefixed keys and upstream addresses', () => {
    const config = loadPlatformConfig(def, { MLOPS_AUTH: 'disabled', FEATURE_STORE_GRPC_PORT: '6000', INGESTION_GRPC_URL: 'ingestion:50051', FEATURE_STORE_DB_SCHEMA: 'fs_test' });
    expect(config).toMatchObject({ grpcPort: 6000, dbSchema: 'fs_test', upstream: { ingestion: 'ingestion:50051' } });
  });

  it('names each invalid variable', () => {
    expect(() => loadPlatformConfig(def, { FEATURE_STORE_DB_SCHEMA: 'Drop Table', INGESTION_GRPC_URL: 'nowhere' })).toThrow(ConfigError);
    let error: unknown;
    try {
      loadPlatformConfig(def, { MLOPS_AUTH: 'disabled', FEATURE_STORE_DB_SCHEMA: 'Drop Table', DATABASE_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'DATABASE_URL=*** has protocol http: but must be one of postgres, postgresql',
      'FEATURE_STORE_DB_SCHEMA="Drop Table" is not a lower-case SQL identifier ([a-z_][a-z0-9_]*)',
    ]);
  });

  it('signs in to a SASL broker as the service, and requires the password file for it', () => {
    const problems = (env: Record<string, string>) => {
      try {
        return loadPlatformConfig(def, { MLOPS_AUTH: 'disabled', ...env });
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({})).toMatchObject({ kafkaSecurityProtocol: 'PLAINTEXT', kafkaSaslUsername: 'feature-store', kafkaSaslMechanism: 'SCRAM-SHA-512' });
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual(['KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL (the password of Kafka user "feature-store")']);
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_PASSWORD_FILE: __filename })).toMatchObject({ kafkaSaslPasswordFile: __filename });
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'KERBEROS' })).toEqual([expect.stringContaining('KAFKA_SECURITY_PROTOCOL="KERBEROS"')]);
  });

  it('requires the issuer keys and the service token unless auth is disabled, and TLS files together', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadPlatformConfig(def, env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({})).toEqual([
      "MLOPS_AUTH_PUBLIC_KEYS_FILE is required (the issuer's public keys), unless MLOPS_AUTH=disabled",
      "MLOPS_AUTH_TOKEN_FILE is required (feature-store's own token for calling ingestion), unless MLOPS_AUTH=disabled",
    ]);
    expect(problems({ MLOPS_AUTH_PUBLIC_KEYS_FILE: '/nonexistent/keys.pem', MLOPS_AUTH_TOKEN_FILE: __filename })).toEqual(['MLOPS_AUTH_PUBLIC_KEYS_FILE="/nonexistent/keys.pem" is not a readable file']);
    expect(problems({ MLOPS_AUTH_PUBLIC_KEYS_FILE: __filename, MLOPS_AUTH_TOKEN_FILE: __filename })).toEqual([]);
    expect(problems({ MLOPS_AUTH: 'disabled', MLOPS_TLS_CERT_FILE: __filename })).toEqual([
      'MLOPS_TLS_CERT_FILE, MLOPS_TLS_KEY_FILE and MLOPS_TLS_CA_FILE are needed together (mutual TLS), or none of them',
    ]);
  });
});

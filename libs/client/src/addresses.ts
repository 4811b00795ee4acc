/** Where the platform is: each service's gRPC address and the Kafka brokers, from the same env
 * keys the services use (libs/nest-platform: <SERVICE>_GRPC_URL; KAFKA_BROKERS). */

export type ServiceName = 'ingestion' | 'feature-store' | 'training' | 'registry' | 'serving' | 'monitoring';
export const SERVICE_NAMES: readonly ServiceName[] = ['ingestion', 'feature-store', 'training', 'registry', 'serving', 'monitoring'];

const DEFAULT_GRPC_PORTS: Record<ServiceName, number> = {
  ingestion: 50051,
  'feature-store': 50052,
  training: 50053,
  registry: 50054,
  serving: 50055,
  monitoring: 50056,
};

export type Env = Record<string, string | undefined>;

/** INGESTION_GRPC_URL, FEATURE_STORE_GRPC_URL, ... as in libs/nest-platform's upstream config. */
export function addressKey(service: ServiceName): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_GRPC_URL`;
}

/** Each service's gRPC address: its <SERVICE>_GRPC_URL, else 127.0.0.1 and the default port. */
export function serviceAddresses(env: Env = process.env): Record<ServiceName, string> {
  const out = {} as Record<ServiceName, string>;
  for (const name of SERVICE_NAMES) out[name] = env[addressKey(name)]?.trim() || `127.0.0.1:${DEFAULT_GRPC_PORTS[name]}`;
  return out;
}

/** Kafka brokers from KAFKA_BROKERS (the services' key), default the local broker. */
export function kafkaBrokers(env: Env = process.env): string[] {
  return (env.KAFKA_BROKERS?.trim() || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
}

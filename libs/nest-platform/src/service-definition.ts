import type { INestApplication, Type } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import type { EntitySchema, MixedList } from 'typeorm';

/** What a service tells the platform wiring about itself. */
export interface ServiceDefinition {
  /** Service name, e.g. "feature-store"; also its Kafka client id and consumer group. */
  name: string;
  /** Prefix of its own env keys, e.g. "FEATURE_STORE" for FEATURE_STORE_GRPC_PORT. */
  envPrefix: string;
  /** Its Postgres schema, e.g. "features". */
  schema: string;
  defaultGrpcPort: number;
  /** Partitions its consumer group member handles at once (default 1). */
  defaultConsumerConcurrency?: number;
  defaultHttpPort: number;
  version?: string;
  /** Its own entities and migrations (the messaging tables are added by the platform). */
  entities?: MixedList<Function | string | EntitySchema>;
  migrations?: Function[];
  /** Its domain gRPC API: proto files (relative to proto/) and their packages. */
  grpc?: { protoFiles: string[]; packages: string[] };
  /** Providers that add plain @grpc/grpc-js services to the same gRPC server (hot paths that
   * skip Nest's per-call pipeline; they do their own error mapping and metrics). */
  plainGrpcServices?: Type<PlainGrpcService>[];
  /** Platform services it calls over gRPC. */
  upstream?: UpstreamService[];
  /** Adds HTTP middleware before Nest's routes (the console's web app); called once at start. */
  configureHttp?: (app: INestApplication) => void;
  /** Reads and validates the service's own env keys (throws ConfigError); checked at start. */
  loadConfig?: (env: Record<string, string | undefined>) => unknown;
}

export interface UpstreamService {
  /** Service name, e.g. "registry". */
  name: string;
  /** Default address, host:port. Overridden by <NAME>_GRPC_URL. */
  defaultUrl: string;
}

export function upstreamEnvKey(name: string): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_GRPC_URL`;
}

/** A gRPC service implemented with plain @grpc/grpc-js handlers, registered on the service's port. */
export interface PlainGrpcService {
  register(server: Server): void;
}

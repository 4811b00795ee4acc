import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadIngestionConfig } from './config/ingestion.config';
import { Ingestion1732800000200 } from './migrations/1732800000200-ingestion';
import { StreamBuckets1732800001300 } from './migrations/1732800001300-stream-buckets';

export const SERVICE: ServiceDefinition = {
  name: 'ingestion',
  envPrefix: 'INGESTION',
  schema: 'ingestion',
  defaultGrpcPort: 50051,
  defaultHttpPort: 8081,
  // Record chunks of different partitions are separate transactions: overlapping them keeps
  // Postgres busy while Node parses and validates the next chunk.
  defaultConsumerConcurrency: 3,
  migrations: [Ingestion1732800000200, StreamBuckets1732800001300],
  loadConfig: loadIngestionConfig,
  grpc: { protoFiles: ['mlops/ingestion/v1/ingestion.proto'], packages: ['mlops.ingestion.v1'] },
};

import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'ingestion',
  envPrefix: 'INGESTION',
  schema: 'ingestion',
  defaultGrpcPort: 50051,
  defaultHttpPort: 8081,
  upstream: [],
};

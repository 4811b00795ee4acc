import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'feature-store',
  envPrefix: 'FEATURE_STORE',
  schema: 'features',
  defaultGrpcPort: 50052,
  defaultHttpPort: 8082,
  upstream: [{ name: 'ingestion', defaultUrl: '127.0.0.1:50051' }],
};

import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'registry',
  envPrefix: 'REGISTRY',
  schema: 'registry',
  defaultGrpcPort: 50054,
  defaultHttpPort: 8084,
  upstream: [],
};

import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'training',
  envPrefix: 'TRAINING',
  schema: 'training',
  defaultGrpcPort: 50053,
  defaultHttpPort: 8083,
  upstream: [{ name: 'feature-store', defaultUrl: '127.0.0.1:50052' }, { name: 'registry', defaultUrl: '127.0.0.1:50054' }],
};

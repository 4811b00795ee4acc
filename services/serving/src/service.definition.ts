import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'serving',
  envPrefix: 'SERVING',
  schema: 'serving',
  defaultGrpcPort: 50055,
  defaultHttpPort: 8085,
  upstream: [{ name: 'registry', defaultUrl: '127.0.0.1:50054' }],
};

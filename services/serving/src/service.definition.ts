import type { ServiceDefinition } from '@mlops/nest-platform';

export const SERVICE: ServiceDefinition = {
  name: 'serving',
  envPrefix: 'SERVING',
  schema: 'serving',
  defaultGrpcPort: 50055,
  defaultHttpPort: 8085,
  grpc: { protoFiles: ['inference/grpc_predict_v2.proto'], packages: ['inference'] },
  upstream: [{ name: 'registry', defaultUrl: '127.0.0.1:50054' }],
};

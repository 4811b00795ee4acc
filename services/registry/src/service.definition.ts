import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadRegistryConfig } from './config/registry.config';
import { Registry1732800000400 } from './migrations/1732800000400-registry';
import { ModelSearch1732800000410 } from './migrations/1732800000410-model-search';

export const SERVICE: ServiceDefinition = {
  name: 'registry',
  envPrefix: 'REGISTRY',
  schema: 'registry',
  defaultGrpcPort: 50054,
  defaultHttpPort: 8084,
  migrations: [Registry1732800000400, ModelSearch1732800000410],
  loadConfig: loadRegistryConfig,
  grpc: { protoFiles: ['mlops/registry/v1/registry.proto'], packages: ['mlops.registry.v1'] },
};

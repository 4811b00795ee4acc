import type { ServiceDefinition } from '@mlops/nest-platform';
import { Features1732800000300 } from './migrations/1732800000300-features';
import { OnlineGrpcController } from './online/transport/online.grpc-controller';

export const SERVICE: ServiceDefinition = {
  name: 'feature-store',
  envPrefix: 'FEATURE_STORE',
  schema: 'features',
  defaultGrpcPort: 50052,
  defaultHttpPort: 8082,
  migrations: [Features1732800000300],
  grpc: { protoFiles: ['mlops/features/v1/features.proto'], packages: ['mlops.features.v1'] },
  // GetOnlineFeatures(Batch), the hot path, skips Nest's per-call pipeline.
  plainGrpcServices: [OnlineGrpcController],
  upstream: [{ name: 'ingestion', defaultUrl: '127.0.0.1:50051' }],
};

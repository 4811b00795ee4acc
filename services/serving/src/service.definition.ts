import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadServingConfig } from './config/serving.config';
import { InferenceGrpcController } from './inference/transport/inference.grpc-controller';
import { Deployments1732800000700 } from './migrations/1732800000700-deployments';
import { LabelJoin1733100000700 } from './migrations/1733100000700-label-join';
import { LabelJoinScored1733100001900 } from './migrations/1733100001900-label-join-scored';
import { AwaitingApproval1733100002000 } from './migrations/1733100002000-awaiting-approval';

export const SERVICE: ServiceDefinition = {
  name: 'serving',
  envPrefix: 'SERVING',
  schema: 'serving',
  defaultGrpcPort: 50055,
  defaultHttpPort: 8085,
  migrations: [Deployments1732800000700, LabelJoin1733100000700, LabelJoinScored1733100001900, AwaitingApproval1733100002000],
  loadConfig: loadServingConfig,
  // Nest serves the deployment API; the inference protocol is a plain grpc-js service on the same port.
  grpc: { protoFiles: ['mlops/serving/v1/serving.proto'], packages: ['mlops.serving.v1'] },
  plainGrpcServices: [InferenceGrpcController],
  upstream: [{ name: 'registry', defaultUrl: '127.0.0.1:50054' }],
};

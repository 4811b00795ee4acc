import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadTrainingConfig } from './config/training.config';
import { Jobs1732800000600 } from './migrations/1732800000600-jobs';
import { JobCorrelation1732800000900 } from './migrations/1732800000900-job-correlation';
import { ExperimentLifecycle1732800001000 } from './migrations/1732800001000-experiment-lifecycle';
import { TrainingSpecs1732800001100 } from './migrations/1732800001100-training-specs';
import { TrainingSpecSchedules1732800001200 } from './migrations/1732800001200-training-spec-schedules';
import { MetricSeq1732800001900 } from './migrations/1732800001900-metric-seq';
import { Tracking1732800000500 } from './migrations/1732800000500-tracking';

export const SERVICE: ServiceDefinition = {
  name: 'training',
  envPrefix: 'TRAINING',
  schema: 'training',
  defaultGrpcPort: 50053,
  defaultHttpPort: 8083,
  migrations: [Tracking1732800000500, Jobs1732800000600, JobCorrelation1732800000900, ExperimentLifecycle1732800001000, TrainingSpecs1732800001100, TrainingSpecSchedules1732800001200, MetricSeq1732800001900],
  loadConfig: loadTrainingConfig,
  grpc: { protoFiles: ['mlops/training/v1/training.proto'], packages: ['mlops.training.v1'] },
  upstream: [
    { name: 'feature-store', defaultUrl: '127.0.0.1:50052' },
    { name: 'registry', defaultUrl: '127.0.0.1:50054' },
  ],
};

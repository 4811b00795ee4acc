import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadMonitoringConfig } from './config/monitoring.config';
import { ServiceInstances1732800000100 } from './migrations/1732800000100-service-instances';
import { Drift1732800000800 } from './migrations/1732800000800-drift';
import { Performance1732800001000 } from './migrations/1732800001000-performance';
import { SharedLabelJoin1733200000100 } from './migrations/1733200000100-shared-label-join';
import { ReportHistory1733300000100 } from './migrations/1733300000100-report-history';
import { ServiceInstanceEntity } from './service-instances/service-instance.entity';

export const SERVICE: ServiceDefinition = {
  name: 'monitoring',
  envPrefix: 'MONITORING',
  schema: 'monitoring',
  defaultGrpcPort: 50056,
  defaultHttpPort: 8086,
  entities: [ServiceInstanceEntity],
  migrations: [ServiceInstances1732800000100, Drift1732800000800, Performance1732800001000, SharedLabelJoin1733200000100, ReportHistory1733300000100],
  loadConfig: loadMonitoringConfig,
  grpc: { protoFiles: ['mlops/monitoring/v1/monitoring.proto'], packages: ['mlops.monitoring.v1'] },
  upstream: [
    { name: 'registry', defaultUrl: '127.0.0.1:50054' },
    { name: 'feature-store', defaultUrl: '127.0.0.1:50052' },
  ],
};

export * from './topics';
export * from './protos';
export * as health from './gen/grpc/health/v1/health';
export * as platform from './gen/mlops/platform/v1/platform';
export * as monitoring from './gen/mlops/monitoring/v1/monitoring';
export * as events from './events';
export * as ingestion from './gen/mlops/ingestion/v1/ingestion';
export * as features from './gen/mlops/features/v1/features';
export * from './values';

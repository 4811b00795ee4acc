// Event payloads of every domain (proto/mlops/events/v1), re-exported by name.
export { ServiceStarted } from './gen/mlops/events/v1/platform';
export { AcceptedRecord, DatasetVersionCreated, RecordRejected, RecordsAccepted } from './gen/mlops/events/v1/ingestion';
export { SnapshotCreated } from './gen/mlops/events/v1/features';
export { TrainingRunCompleted, TrainingRunFailed, TrainingRunRequested } from './gen/mlops/events/v1/training';
export { AliasChanged, ModelVersionRegistered } from './gen/mlops/events/v1/registry';
export { DeploymentChanged, PredictionLogBatch, PredictionLogged } from './gen/mlops/events/v1/serving';
export { DriftDetected, FeatureDrift, FeedbackReceived, PerformanceDegraded } from './gen/mlops/events/v1/monitoring';

import { Module } from '@nestjs/common';
import { AlertsRepository } from '../alerts/alerts.repository';
import { MONITORING_CONFIG, loadMonitoringConfig } from '../config/monitoring.config';
import { PerformanceMetrics } from '../performance/performance.metrics';
import { LabelJoinStore } from '../performance/label-join.store';
import { PerformanceRepository } from '../performance/performance.repository';
import { PerformanceService } from '../performance/performance.service';
import { FeedbackConsumer } from '../performance/transport/feedback.consumer';
import { PerformanceGrpcController } from '../performance/transport/performance.grpc-controller';
import { DriftMetrics } from './drift.metrics';
import { DriftRepository } from './drift.repository';
import { DriftService } from './drift.service';
import { PolicyStore } from './policy.store';
import { ReferenceStore } from './reference.store';
import { AliasChangedConsumer } from './transport/alias-changed.consumer';
import { DriftGrpcController } from './transport/drift.grpc-controller';
import { PredictionsConsumer } from './transport/predictions.consumer';

/**
 * Watching live traffic: data and prediction drift against the production version's training
 * data, concept drift from late labels against its test metrics, and the alerts they raise.
 * (One module: both read the same prediction stream, references and policies.)
 */
@Module({
  controllers: [DriftGrpcController, PerformanceGrpcController],
  providers: [
    { provide: MONITORING_CONFIG, useFactory: () => loadMonitoringConfig() },
    DriftMetrics,
    PerformanceMetrics,
    DriftRepository,
    PerformanceRepository,
    LabelJoinStore,
    AlertsRepository,
    PolicyStore,
    ReferenceStore,
    DriftService,
    PerformanceService,
    PredictionsConsumer,
    AliasChangedConsumer,
    FeedbackConsumer,
  ],
})
export class DriftModule {}

import { Module } from '@nestjs/common';
import { MONITORING_CONFIG, loadMonitoringConfig } from '../config/monitoring.config';
import { DriftMetrics } from './drift.metrics';
import { DriftRepository } from './drift.repository';
import { DriftService } from './drift.service';
import { ReferenceStore } from './reference.store';
import { AliasChangedConsumer } from './transport/alias-changed.consumer';
import { DriftGrpcController } from './transport/drift.grpc-controller';
import { PredictionsConsumer } from './transport/predictions.consumer';

/** Data and prediction drift of live traffic against the production version's training data; alerts. */
@Module({
  controllers: [DriftGrpcController],
  providers: [{ provide: MONITORING_CONFIG, useFactory: () => loadMonitoringConfig() }, DriftMetrics, DriftRepository, ReferenceStore, DriftService, PredictionsConsumer, AliasChangedConsumer],
})
export class DriftModule {}

import { ApprovalGate } from './deployments/approval-gate';
import { Module } from '@nestjs/common';
import { SERVING_CONFIG, loadServingConfig } from './config/serving.config';
import { DeploymentsRepository } from './deployments/deployments.repository';
import { DeploymentsService } from './deployments/deployments.service';
import { PolicyStore } from './deployments/policy.store';
import { RolloutStarter } from './deployments/rollout-starter';
import { RegistryClient } from './deployments/registry.client';
import { RolloutScheduler } from './deployments/rollout.scheduler';
import { DeploymentsGrpcController } from './deployments/transport/deployments.grpc-controller';
import { VersionRegisteredConsumer } from './deployments/transport/version-registered.consumer';
import { InferenceService } from './inference/inference.service';
import { InferenceGrpcController } from './inference/transport/inference.grpc-controller';
import { InferenceHttpController } from './inference/transport/inference.http-controller';
import { ModelStore } from './models/model-store';
import { PredictionLog } from './prediction-log/prediction-log';
import { Measurements } from './routing/measurements';
import { RoutingTable } from './routing/routing-table';
import { LabelJoin } from './routing/label-join';
import { TrafficRouter } from './routing/traffic-router';
import { AliasChangedConsumer } from './routing/transport/alias-changed.consumer';
import { FeedbackConsumer } from './routing/transport/feedback.consumer';
import { ServingMetrics } from './serving.metrics';

/**
 * Open Inference Protocol inference (gRPC and REST) on onnxruntime with models from the
 * registry; deployments (basic, shadow, canary) with automated analysis; the prediction log.
 */
@Module({
  controllers: [InferenceHttpController, DeploymentsGrpcController],
  providers: [
    { provide: SERVING_CONFIG, useFactory: () => loadServingConfig() },
    ServingMetrics,
    ModelStore,
    InferenceService,
    PredictionLog,
    DeploymentsRepository,
    RegistryClient,
    Measurements,
    RoutingTable,
    LabelJoin,
    TrafficRouter,
    PolicyStore,
    RolloutStarter,
    ApprovalGate,
    DeploymentsService,
    RolloutScheduler,
    InferenceGrpcController,
    VersionRegisteredConsumer,
    AliasChangedConsumer,
    FeedbackConsumer,
  ],
})
export class ServingModule {}

import { Module } from '@nestjs/common';
import { FilesystemArtifactStore } from './artifacts/artifact-store';
import { ARTIFACT_STORE } from './artifacts/artifacts.tokens';
import { ArtifactsGrpcController } from './artifacts/transport/artifacts.grpc-controller';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { AuditGrpcController } from './audit/transport/audit.grpc-controller';
import { REGISTRY_CONFIG, type RegistryConfig, loadRegistryConfig } from './config/registry.config';
import { ModelAnnotationsService } from './models/model-annotations.service';
import { ModelSearchRepository } from './models/model-search.repository';
import { ModelSearchService } from './models/model-search.service';
import { ModelsRepository } from './models/models.repository';
import { ModelsService } from './models/models.service';
import { ModelsGrpcController } from './models/transport/models.grpc-controller';
import { TrainingCompletedConsumer } from './models/transport/training-completed.consumer';
import { DeploymentChangedConsumer } from './models/transport/deployment-changed.consumer';

/** Registered models, versions, aliases, approvals, audit log and the artifact store. */
@Module({
  controllers: [ModelsGrpcController, AuditGrpcController, ArtifactsGrpcController],
  providers: [
    { provide: REGISTRY_CONFIG, useFactory: () => loadRegistryConfig() },
    { provide: ARTIFACT_STORE, inject: [REGISTRY_CONFIG], useFactory: (config: RegistryConfig) => new FilesystemArtifactStore(config.artifactDir) },
    AuditRepository,
    AuditService,
    ModelsRepository,
    ModelsService,
    ModelAnnotationsService,
    ModelSearchRepository,
    ModelSearchService,
    TrainingCompletedConsumer,
    DeploymentChangedConsumer,
  ],
})
export class RegistryModule {}

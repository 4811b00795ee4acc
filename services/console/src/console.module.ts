import { Module } from '@nestjs/common';
import { AuditHttpController } from './audit/audit.http-controller';
import { CONSOLE_CONFIG, loadConsoleConfig } from './config/console.config';
import { DataHttpController } from './data/data.http-controller';
import { DataService } from './data/data.service';
import { DeploymentsHttpController } from './deployments/deployments.http-controller';
import { DeploymentsService } from './deployments/deployments.service';
import { LiveFeed } from './live/live-feed';
import { MlflowArtifactsService } from './mlflow/mlflow-artifacts.service';
import { MlflowRegistryService } from './mlflow/mlflow-registry.service';
import { MlflowTrackingService } from './mlflow/mlflow-tracking.service';
import { MlflowArtifactsHttpController } from './mlflow/transport/mlflow-artifacts.http-controller';
import { MlflowErrorsFilter } from './mlflow/transport/mlflow-errors.filter';
import { MlflowRegistryHttpController } from './mlflow/transport/mlflow-registry.http-controller';
import { MlflowTrackingHttpController } from './mlflow/transport/mlflow-tracking.http-controller';
import { LiveHttpController } from './live/live.http-controller';
import { ModelsHttpController } from './models/models.http-controller';
import { ModelsService } from './models/models.service';
import { MonitoringHttpController } from './monitoring/monitoring.http-controller';
import { MonitoringService } from './monitoring/monitoring.service';
import { OverviewHttpController } from './overview/overview.http-controller';
import { OverviewService } from './overview/overview.service';
import { RunsHttpController } from './runs/runs.http-controller';
import { RunsService } from './runs/runs.service';
import { SessionHttpController } from './session/session.http-controller';
import { PlatformApi } from './upstream/platform-api';
import { UpstreamErrorsFilter } from './upstream/upstream-errors.filter';

/** The console's JSON API (one controller per page of the web app), its live feed, and the MLflow-compatible API. */
@Module({
  controllers: [
    SessionHttpController,
    OverviewHttpController,
    ModelsHttpController,
    RunsHttpController,
    DeploymentsHttpController,
    MonitoringHttpController,
    DataHttpController,
    AuditHttpController,
    LiveHttpController,
    MlflowTrackingHttpController,
    MlflowRegistryHttpController,
    MlflowArtifactsHttpController,
  ],
  providers: [
    { provide: CONSOLE_CONFIG, useFactory: () => loadConsoleConfig() },
    PlatformApi,
    LiveFeed,
    UpstreamErrorsFilter,
    OverviewService,
    ModelsService,
    RunsService,
    DeploymentsService,
    MonitoringService,
    DataService,
    MlflowTrackingService,
    MlflowRegistryService,
    MlflowArtifactsService,
    MlflowErrorsFilter,
  ],
})
export class ConsoleModule {}

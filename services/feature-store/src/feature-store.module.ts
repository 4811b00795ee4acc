import { Module } from '@nestjs/common';
import { FeatureViewsRepository } from './feature-views/feature-views.repository';
import { FeatureViewsService } from './feature-views/feature-views.service';
import { FeatureViewsGrpcController } from './feature-views/transport/feature-views.grpc-controller';
import { IngestionClient } from './ingestion-client/ingestion.client';
import { OnlineStoreRepository } from './online/online-store.repository';
import { OnlineStoreService } from './online/online-store.service';
import { OnlineGrpcController } from './online/transport/online.grpc-controller';
import { SnapshotsRepository } from './snapshots/snapshots.repository';
import { SnapshotsService } from './snapshots/snapshots.service';
import { SnapshotsGrpcController } from './snapshots/transport/snapshots.grpc-controller';
import { RecordsAcceptedConsumer } from './source/transport/records-accepted.consumer';

/** Feature views, the online store (materialized from ingestion events) and training snapshots. */
@Module({
  controllers: [FeatureViewsGrpcController, SnapshotsGrpcController],
  providers: [
    IngestionClient,
    FeatureViewsRepository,
    FeatureViewsService,
    OnlineStoreRepository,
    OnlineStoreService,
    OnlineGrpcController,
    SnapshotsRepository,
    SnapshotsService,
    RecordsAcceptedConsumer,
  ],
})
export class FeatureStoreModule {}

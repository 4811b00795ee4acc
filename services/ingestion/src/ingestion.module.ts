import { Module } from '@nestjs/common';
import { INGESTION_CONFIG, loadIngestionConfig } from './config/ingestion.config';
import { DatasetsRepository } from './datasets/datasets.repository';
import { DatasetsService } from './datasets/datasets.service';
import { StreamLayout } from './datasets/stream-layout';
import { DatasetsGrpcController } from './datasets/transport/datasets.grpc-controller';
import { RecordsMetrics } from './records/records.metrics';
import { RecordsRepository } from './records/records.repository';
import { RecordsService } from './records/records.service';
import { RecordsConsumer } from './records/transport/records.consumer';
import { RecordsGrpcController } from './records/transport/records.grpc-controller';
import { VersionsGrpcController } from './versions/transport/versions.grpc-controller';
import { VersionsRepository } from './versions/versions.repository';
import { VersionsService } from './versions/versions.service';

/** Datasets, the record pipeline (Kafka and gRPC) and dataset versions. */
@Module({
  controllers: [DatasetsGrpcController, RecordsGrpcController, VersionsGrpcController],
  providers: [
    { provide: INGESTION_CONFIG, useFactory: () => loadIngestionConfig() },
    DatasetsRepository,
    DatasetsService,
    StreamLayout,
    RecordsMetrics,
    RecordsRepository,
    RecordsService,
    RecordsConsumer,
    VersionsRepository,
    VersionsService,
  ],
})
export class IngestionModule {}

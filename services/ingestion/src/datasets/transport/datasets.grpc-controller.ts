import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ingestion } from '@mlops/contracts';
import { DatasetsService } from '../datasets.service';
import { toDatasetMessage, toDatasetSpec } from './dataset.mapper';

@Controller()
export class DatasetsGrpcController {
  constructor(private readonly datasets: DatasetsService) {}

  @GrpcMethod('IngestionService', 'RegisterDataset')
  async registerDataset(request: ingestion.RegisterDatasetRequest): Promise<ingestion.Dataset> {
    return toDatasetMessage(await this.datasets.register(toDatasetSpec(request), { validateOnly: request.validateOnly ?? false }));
  }

  @GrpcMethod('IngestionService', 'GetDataset')
  async getDataset(request: ingestion.GetDatasetRequest): Promise<ingestion.Dataset> {
    return toDatasetMessage(await this.datasets.get(request.dataset, request.schemaVersion));
  }

  @GrpcMethod('IngestionService', 'ListDatasets')
  async listDatasets(request: ingestion.ListDatasetsRequest): Promise<ingestion.ListDatasetsResponse> {
    const { datasets, nextPageToken } = await this.datasets.list(request.limit, request.pageToken);
    return { datasets: datasets.map(toDatasetMessage), nextPageToken };
  }
}

import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { features } from '@mlops/contracts';
import { FeatureViewsService } from '../feature-views.service';
import { toViewMessage, toViewSpec } from './feature-view.mapper';

@Controller()
export class FeatureViewsGrpcController {
  constructor(private readonly views: FeatureViewsService) {}

  @GrpcMethod('FeatureStoreService', 'RegisterFeatureView')
  async registerFeatureView(request: features.RegisterFeatureViewRequest): Promise<features.FeatureView> {
    return toViewMessage(await this.views.register(toViewSpec(request)));
  }

  @GrpcMethod('FeatureStoreService', 'GetFeatureView')
  async getFeatureView(request: features.GetFeatureViewRequest): Promise<features.FeatureView> {
    return toViewMessage(await this.views.get(request.name, request.version));
  }

  @GrpcMethod('FeatureStoreService', 'ListFeatureViews')
  async listFeatureViews(request: features.ListFeatureViewsRequest): Promise<features.ListFeatureViewsResponse> {
    const { views, nextPageToken } = await this.views.list(request.limit, request.pageToken);
    return { views: views.map(toViewMessage), nextPageToken };
  }
}

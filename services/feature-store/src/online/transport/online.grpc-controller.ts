import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { features } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import { toFeatureValue } from '../../feature-views/transport/feature-view.mapper';
import { type EntityStatus, OnlineStoreService } from '../online-store.service';

const MAX_ENTITIES = 1000;
const STATUS: Record<EntityStatus, features.EntityStatus> = {
  present: features.EntityStatus.ENTITY_STATUS_PRESENT,
  missing: features.EntityStatus.ENTITY_STATUS_MISSING,
  expired: features.EntityStatus.ENTITY_STATUS_EXPIRED,
};

@Controller()
export class OnlineGrpcController {
  constructor(private readonly online: OnlineStoreService) {}

  @GrpcMethod('FeatureStoreService', 'GetOnlineFeatures')
  async getOnlineFeatures(request: features.GetOnlineFeaturesRequest): Promise<features.GetOnlineFeaturesResponse> {
    const keys = request.entityKeys ?? [];
    if (keys.length === 0 || keys.length > MAX_ENTITIES) throw invalidArgument(`entity_keys must hold 1 to ${MAX_ENTITIES} keys, got ${keys.length}`);
    const { view, results } = await this.online.get(request.featureView, request.version, keys);
    return {
      version: view.version,
      featureNames: view.featureNames,
      entities: results.map((r) => ({
        entityKey: r.entityKey,
        status: STATUS[r.status],
        values: r.values.map(toFeatureValue),
        eventTimeMs: r.eventTimeMs,
        freshnessMs: r.freshnessMs,
      })),
    };
  }
}

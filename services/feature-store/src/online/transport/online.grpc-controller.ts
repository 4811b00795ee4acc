import { Injectable } from '@nestjs/common';
import type { Server, ServiceDefinition } from '@grpc/grpc-js';
import { features } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import { type PlainGrpcService, unaryHandler, unaryMethod } from '@mlops/nest-platform';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import type { FeatureOutput } from '../../feature-views/domain/transforms';
import { type EntityStatus, type OnlineResult, OnlineStoreService } from '../online-store.service';

/** Entity keys one call may ask for, over all its lookups; lookups one batch may hold. */
export const MAX_ENTITIES = 1000;
export const MAX_LOOKUPS = 100;

const STATUS: Record<EntityStatus, features.EntityStatus> = {
  present: features.EntityStatus.ENTITY_STATUS_PRESENT,
  missing: features.EntityStatus.ENTITY_STATUS_MISSING,
  expired: features.EntityStatus.ENTITY_STATUS_EXPIRED,
};

const FEATURE_STORE = 'mlops.features.v1.FeatureStoreService';
/** The online reads of mlops.features.v1.FeatureStoreService; its other methods stay Nest handlers. */
const SERVICE = {
  GetOnlineFeatures: unaryMethod(FEATURE_STORE, 'GetOnlineFeatures', features.GetOnlineFeaturesRequest, features.GetOnlineFeaturesResponse),
  GetOnlineFeaturesBatch: unaryMethod(FEATURE_STORE, 'GetOnlineFeaturesBatch', features.GetOnlineFeaturesBatchRequest, features.GetOnlineFeaturesBatchResponse),
} satisfies ServiceDefinition;

/**
 * GetOnlineFeatures, the feature store's hot path, as plain @grpc/grpc-js handlers (as serving's
 * ModelInfer): Nest's per-call pipeline (observables, interceptors, filters) cost a measured
 * millisecond at p99 (docs/benchmarks.md). The server's interceptor still authenticates and
 * checks roles; the handler records the same request metrics and maps errors the same way.
 */
@Injectable()
export class OnlineGrpcController implements PlainGrpcService {
  constructor(
    private readonly online: OnlineStoreService,
    private readonly metrics: PlatformMetrics,
    private readonly logger: JsonLogger,
  ) {}

  register(server: Server): void {
    const options = (method: string) => ({ logger: this.logger, metrics: { registry: this.metrics, method: `Online/${method}` } });
    server.addService(SERVICE, {
      GetOnlineFeatures: unaryHandler((r: features.GetOnlineFeaturesRequest) => this.getOnlineFeatures(r), options('getOnlineFeatures')),
      GetOnlineFeaturesBatch: unaryHandler((r: features.GetOnlineFeaturesBatchRequest) => this.getOnlineFeaturesBatch(r), options('getOnlineFeaturesBatch')),
    });
  }

  async getOnlineFeatures(request: features.GetOnlineFeaturesRequest): Promise<features.GetOnlineFeaturesResponse> {
    const keys = request.entityKeys;
    if (keys.length === 0 || keys.length > MAX_ENTITIES) throw invalidArgument(`entity_keys must hold 1 to ${MAX_ENTITIES} keys, got ${keys.length}`);
    return this.lookup(request);
  }

  /** Several lookups in one call, run together; one bad lookup (unknown view, no keys) fails the call naming it. */
  async getOnlineFeaturesBatch(request: features.GetOnlineFeaturesBatchRequest): Promise<features.GetOnlineFeaturesBatchResponse> {
    const lookups = request.requests;
    if (lookups.length === 0 || lookups.length > MAX_LOOKUPS) throw invalidArgument(`requests must hold 1 to ${MAX_LOOKUPS} lookups, got ${lookups.length}`);
    const total = lookups.reduce((n, r) => n + r.entityKeys.length, 0);
    if (total > MAX_ENTITIES) throw invalidArgument(`the lookups ask for ${total} entity keys in all; at most ${MAX_ENTITIES} a call`);
    const empty = lookups.findIndex((r) => r.entityKeys.length === 0);
    if (empty >= 0) throw invalidArgument(`requests[${empty}] (feature view "${lookups[empty]!.featureView}") has no entity_keys`);
    const responses = await Promise.all(lookups.map((r, i) => this.lookup(r).catch((error: unknown) => {
      if (error instanceof Error) error.message = `requests[${i}]: ${error.message}`;
      throw error;
    })));
    return { responses };
  }

  private async lookup(request: features.GetOnlineFeaturesRequest): Promise<features.GetOnlineFeaturesResponse> {
    const { view, results } = await this.online.get(request.featureView, request.version, request.entityKeys);
    return { version: view.version, featureNames: view.featureNames, entities: results.map(toEntity) };
  }
}

function toEntity(r: OnlineResult): features.EntityFeatures {
  return { entityKey: r.entityKey, status: STATUS[r.status], values: r.values.map(toValue), eventTimeMs: r.eventTimeMs, freshnessMs: r.freshnessMs };
}

/** A value as the wire carries it (ts-proto's encoder writes only the fields that are set). */
function toValue(value: FeatureOutput | undefined): features.FeatureValue {
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  return {};
}

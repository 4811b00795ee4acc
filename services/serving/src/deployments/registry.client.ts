import { Injectable } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { registry } from '@mlops/contracts';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';

/** The registry as deployments use it: versions, the production alias, and moving it. */
@Injectable()
export class RegistryClient {
  constructor(private readonly upstream: UpstreamClients) {}

  private get client(): registry.RegistryServiceClient {
    return this.upstream.client('registry', 'mlops.registry.v1', 'mlops/registry/v1/registry.proto', 'RegistryService');
  }

  version(model: string, version: number): Promise<registry.ModelVersion> {
    return callUpstream('registry', `model "${model}" version ${version}`, () => firstValueFrom(this.client.getModelVersion({ modelName: model, version })));
  }

  /** The production version now (read fresh, not cached); 0 when the model has none. */
  async productionVersion(model: string): Promise<number> {
    try {
      return (await firstValueFrom(this.client.getModelVersionByAlias({ modelName: model, alias: 'production' }))).version;
    } catch (error) {
      if ((error as { code?: number }).code === GrpcStatus.NOT_FOUND) return 0;
      return callUpstream('registry', `the production version of "${model}"`, () => Promise.reject(error));
    }
  }

  /** Moves the production alias (idempotent: moving it where it is changes nothing). The
   * registry's promotion policy applies: it may refuse until the version is approved. */
  async moveProduction(model: string, version: number, reason: string): Promise<void> {
    const metadata = new Metadata();
    metadata.set('x-principal', 'serving');
    await callUpstream('registry', `moving the production alias of "${model}"`, () => firstValueFrom(this.client.setAlias({ modelName: model, alias: 'production', version, reason }, metadata)));
  }

  /** Whether moving production to this version needs an approval it does not have yet (the
   * model's policy requires one and none is recorded for the production alias). */
  async approvalPending(model: string, version: number): Promise<boolean> {
    const m = await callUpstream('registry', `model "${model}"`, () => firstValueFrom(this.client.getRegisteredModel({ name: model })));
    if (m.promotionPolicy !== registry.PromotionPolicy.PROMOTION_POLICY_REQUIRES_APPROVAL) return false;
    // Newest approvals first, so a fresh candidate's is on the first page; the rest are read only if it is not.
    for (let pageToken = ''; ; ) {
      const page = await callUpstream('registry', `approvals of "${model}"`, () => firstValueFrom(this.client.listApprovals({ modelName: model, limit: 0, pageToken })));
      if ((page.approvals ?? []).some((a) => a.version === version && a.alias === 'production')) return false;
      if (!page.nextPageToken) return true;
      pageToken = page.nextPageToken;
    }
  }
}

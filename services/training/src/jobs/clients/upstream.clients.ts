import { Injectable } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { features, registry } from '@mlops/contracts';
import { unavailable } from '@mlops/errors';
import { UpstreamClients, callUpstream } from '@mlops/nest-platform';

export interface SnapshotData {
  snapshot: features.Snapshot;
  rows: features.SnapshotRow[];
}

/** The feature store and the registry, as the training service uses them (gRPC, correlation id attached). */
@Injectable()
export class PlatformClients {
  constructor(private readonly upstream: UpstreamClients) {}

  private get features(): features.FeatureStoreServiceClient {
    return this.upstream.client('feature-store', 'mlops.features.v1', 'mlops/features/v1/features.proto', 'FeatureStoreService');
  }

  private get registry(): registry.RegistryServiceClient {
    return this.upstream.client('registry', 'mlops.registry.v1', 'mlops/registry/v1/registry.proto', 'RegistryService');
  }

  /** An existing snapshot (by id), or a new one built from the request. */
  async snapshot(request: { snapshotId: string } | Omit<Partial<features.CreateSnapshotRequest>, 'spine'>): Promise<SnapshotData> {
    const snapshot =
      'snapshotId' in request
        ? await callUpstream('feature-store', `snapshot ${request.snapshotId}`, () => firstValueFrom(this.features.getSnapshot({ snapshotId: request.snapshotId })))
        : await callUpstream('feature-store', `a snapshot of "${request.featureView}"`, () => firstValueFrom(this.features.createSnapshot(features.CreateSnapshotRequest.fromPartial(request))));
    const rows = await callUpstream('feature-store', `snapshot ${snapshot.snapshotId}`, () => firstValueFrom(this.features.readSnapshot({ snapshotId: snapshot.snapshotId }).pipe(toArray())));
    return { snapshot, rows };
  }

  /** A registered model's tags, or undefined when the registry has no such model (yet). */
  async modelTags(name: string): Promise<Record<string, string> | undefined> {
    try {
      return (await firstValueFrom(this.registry.getRegisteredModel({ name }))).tags ?? {};
    } catch (error) {
      if ((error as { code?: number }).code === GrpcStatus.NOT_FOUND) return undefined;
      throw Object.assign(unavailable(`registry did not answer for model "${name}"`), { cause: error });
    }
  }

  /** The production version of a model and its artifact, or undefined when there is none. */
  async production(modelName: string): Promise<{ version: registry.ModelVersion; artifact: Buffer } | undefined> {
    let version: registry.ModelVersion;
    try {
      version = await firstValueFrom(this.registry.getModelVersionByAlias({ modelName, alias: 'production' }));
    } catch (error) {
      if ((error as { code?: number }).code === GrpcStatus.NOT_FOUND) return undefined;
      throw Object.assign(unavailable(`registry did not answer for the production model of "${modelName}"`), { cause: error });
    }
    const chunks = await callUpstream('registry', `artifact ${version.artifactSha256}`, () => firstValueFrom(this.registry.downloadArtifact({ sha256: version.artifactSha256 }).pipe(toArray())));
    return { version, artifact: Buffer.concat(chunks.map((c) => Buffer.from(c.data))) };
  }

  async uploadArtifact(bytes: Uint8Array): Promise<registry.Artifact> {
    const chunks: registry.ArtifactChunk[] = [];
    for (let offset = 0; offset < bytes.length; offset += 256 * 1024) chunks.push({ data: bytes.subarray(offset, offset + 256 * 1024) });
    return callUpstream('registry', 'the artifact upload', () => lastValueFrom(this.registry.uploadArtifact(from(chunks))));
  }
}

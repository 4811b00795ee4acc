import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import type { Metadata, ServerReadableStream, ServerWritableStream, ServiceError, sendUnaryData } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { registry } from '@mlops/contracts';
import { dataLoss, invalidArgument, notFound, resourceExhausted } from '@mlops/errors';
import { streamToCall, toGrpcStatusError } from '@mlops/nest-platform';
import { REGISTRY_CONFIG, type RegistryConfig } from '../../config/registry.config';
import { toVersionMessage } from '../../models/transport/model.mapper';
import { principalOf } from '@mlops/nest-platform';
import { ModelsService } from '../../models/models.service';
import { ModelsRepository } from '../../models/models.repository';
import { ARTIFACT_STORE } from '../artifacts.tokens';
import { ArtifactCorruptError, ArtifactMissingError, type ArtifactStore, ArtifactTooLargeError } from '../artifact-store';

/** Artifact upload and download (streamed), and uploads of models trained elsewhere. */
@Controller()
export class ArtifactsGrpcController {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly models: ModelsService,
    private readonly repository: ModelsRepository,
  ) {}

  @GrpcStreamCall('RegistryService', 'UploadArtifact')
  async uploadArtifact(call: ServerReadableStream<registry.ArtifactChunk, registry.Artifact>, callback: sendUnaryData<registry.Artifact>): Promise<void> {
    try {
      callback(null, await this.put(dataOf(call)));
    } catch (error) {
      callback(toGrpcStatusError(mapStoreError(error)) as ServiceError);
    }
  }

  /** Streams the artifact from the store as the caller reads it; a corrupt one ends the call with DATA_LOSS after its bytes. */
  @GrpcMethod('RegistryService', 'DownloadArtifact')
  downloadArtifact(request: registry.DownloadArtifactRequest, _metadata: Metadata, call: ServerWritableStream<unknown, registry.ArtifactChunk>): Observable<registry.ArtifactChunk> {
    return streamToCall(call, chunksOfArtifact(this.store.stream(request.sha256)), mapStoreError);
  }

  /** The first message is the header, every later one a chunk of the ONNX file. */
  @GrpcStreamCall('RegistryService', 'UploadModel')
  async uploadModel(call: ServerReadableStream<registry.UploadModelRequest, registry.ModelVersion>, callback: sendUnaryData<registry.ModelVersion>): Promise<void> {
    try {
      const messages = call[Symbol.asyncIterator]();
      const first = await messages.next();
      const header = first.done ? undefined : (first.value as registry.UploadModelRequest).header;
      if (!header) throw invalidArgument('the first message of UploadModel must be the header (model_name, ...)');
      async function* chunks() {
        for (let next = await messages.next(); !next.done; next = await messages.next()) {
          const chunk = (next.value as registry.UploadModelRequest).chunk;
          if (chunk) yield chunk;
        }
      }
      const artifact = await this.put(chunks());
      const version = await this.models.createVersion(principalOf(call.metadata), {
        modelName: header.modelName,
        artifactSha256: artifact.sha256,
        lineage: { runId: '', jobId: '', snapshotId: '', featureView: '', featureViewVersion: 0, dataset: '', datasetVersion: 0, datasetContentHash: '', source: 'upload' },
        metrics: header.metrics ?? {},
        description: header.description,
        tags: header.tags ?? {},
        featureNames: header.featureNames ?? [],
        idempotencyKey: '',
      });
      callback(null, toVersionMessage(version));
    } catch (error) {
      callback(toGrpcStatusError(mapStoreError(error)) as ServiceError);
    }
  }

  private async put(chunks: AsyncIterable<Uint8Array>): Promise<registry.Artifact> {
    const stored = await this.store.put(chunks, this.config.maxArtifactBytes);
    await this.repository.recordArtifact(undefined, stored.sha256, stored.size);
    return stored;
  }
}

async function* chunksOfArtifact(chunks: AsyncIterable<Buffer>): AsyncGenerator<registry.ArtifactChunk> {
  for await (const data of chunks) yield { data };
}

async function* dataOf(call: AsyncIterable<registry.ArtifactChunk>): AsyncGenerator<Uint8Array> {
  for await (const message of call) if (message.data?.length) yield message.data;
}

function mapStoreError(error: unknown): unknown {
  if (error instanceof ArtifactMissingError) return notFound(error.message);
  if (error instanceof ArtifactCorruptError) return dataLoss(error.message);
  if (error instanceof ArtifactTooLargeError) return resourceExhausted(error.message);
  return error;
}

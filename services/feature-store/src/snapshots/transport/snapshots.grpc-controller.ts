import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import type { FeatureProfile } from '@mlops/ml';
import { features } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import { streamToCall } from '@mlops/nest-platform';
import { fromFeatureValue, toFeatureValue } from '../../feature-views/transport/feature-view.mapper';
import type { SnapshotMeta } from '../snapshots.repository';
import { SnapshotsService } from '../snapshots.service';

const MAX_SPINE_ROWS = 1_000_000;

@Controller()
export class SnapshotsGrpcController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @GrpcMethod('FeatureStoreService', 'CreateSnapshot')
  async createSnapshot(request: features.CreateSnapshotRequest): Promise<features.Snapshot> {
    const spine = request.spine ?? [];
    if (spine.length > MAX_SPINE_ROWS) throw invalidArgument(`spine has ${spine.length} rows; at most ${MAX_SPINE_ROWS}`);
    const bad = spine.findIndex((r) => !r.entityKey || !(Number(r.timestampMs) > 0));
    if (bad >= 0) throw invalidArgument(`spine row ${bad} needs an entity_key and a positive timestamp_ms`);
    const meta = await this.snapshots.create({
      view: request.featureView,
      version: request.version,
      datasetVersion: request.datasetVersion,
      cutDatasetVersion: request.cutDatasetVersion,
      spine: spine.map((r) => ({ entityKey: r.entityKey, timestampMs: Number(r.timestampMs), label: fromFeatureValue(r.label) })),
      fromMs: Number(request.fromTimeMs),
      toMs: Number(request.toTimeMs),
      requestedBy: request.requestedByRunId,
    });
    return toSnapshotMessage(meta);
  }

  @GrpcMethod('FeatureStoreService', 'GetSnapshot')
  async getSnapshot(request: features.GetSnapshotRequest): Promise<features.Snapshot> {
    return toSnapshotMessage(await this.snapshots.get(request.snapshotId));
  }

  @GrpcMethod('FeatureStoreService', 'ListSnapshots')
  async listSnapshots(request: features.ListSnapshotsRequest): Promise<features.ListSnapshotsResponse> {
    const { snapshots, nextPageToken } = await this.snapshots.list({ view: request.featureView, limit: request.limit, pageToken: request.pageToken });
    return { snapshots: snapshots.map(toSnapshotMessage), nextPageToken };
  }

  @GrpcMethod('FeatureStoreService', 'ReadSnapshot')
  readSnapshot(request: features.GetSnapshotRequest, _metadata: Metadata, call: ServerWritableStream<unknown, features.SnapshotRow>): Observable<features.SnapshotRow> {
    // Pulled as the caller reads (a slow reader does not make the service hold the snapshot).
    return streamToCall(call, snapshotRows(this.snapshots.read(request.snapshotId)));
  }
}

async function* snapshotRows(rows: ReturnType<SnapshotsService['read']>): AsyncGenerator<features.SnapshotRow> {
  for await (const row of rows) yield { entityKey: row.entityKey, timestampMs: row.timestampMs, values: row.values.map(toFeatureValue), label: toFeatureValue(row.label) };
}

function toSnapshotMessage(meta: SnapshotMeta): features.Snapshot {
  return {
    snapshotId: meta.id,
    featureView: meta.view,
    featureViewVersion: meta.viewVersion,
    dataset: meta.dataset,
    datasetVersion: meta.datasetVersion,
    datasetContentHash: meta.datasetHash,
    rowCount: meta.rowCount,
    contentHash: meta.contentHash,
    featureNames: meta.featureNames,
    profiles: meta.profiles.map(({ feature, profile }) => ({ feature, ...toProfileMessage(profile) })),
    requestedByRunId: meta.requestedBy,
    createdAtMs: new Date(meta.createdAt).getTime(),
    buildMs: meta.buildMs,
  };
}

function toProfileMessage(p: FeatureProfile): Pick<features.FeatureProfile, 'numeric' | 'categorical'> {
  if (p.kind === 'categorical') {
    return { categorical: { count: p.count, nulls: p.nulls, distinct: p.distinct, frequencies: p.frequencies, otherCount: p.otherCount } };
  }
  return {
    numeric: {
      count: p.count,
      nulls: p.nulls,
      mean: p.mean ?? 0,
      std: p.std ?? 0,
      min: p.min ?? 0,
      max: p.max ?? 0,
      quantiles: p.quantiles,
      histogramEdges: p.histogram.edges,
      histogramCounts: p.histogram.counts,
    },
  };
}

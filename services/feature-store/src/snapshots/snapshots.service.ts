import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { failedPrecondition, notFound } from '@mlops/errors';
import { Outbox, OutboxRelay } from '@mlops/messaging';
import { runInWorkerThread } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import { keysetOfToken, keysetToken, pageFrom, pageSize } from '@mlops/persistence';
import type { FeatureOutput } from '../feature-views/domain/transforms';
import { FeatureViewsService } from '../feature-views/feature-views.service';
import { IngestionClient } from '../ingestion-client/ingestion.client';
import type { SpineRow } from './domain/point-in-time';
import { type SnapshotBuildInput, buildSnapshot } from './domain/snapshot-build';
import { type SnapshotMeta, SnapshotsRepository } from './snapshots.repository';

export interface SnapshotRequest {
  view: string;
  version: number;
  datasetVersion: number;
  cutDatasetVersion: boolean;
  /** Empty: every record of the dataset version in [fromMs, toMs) is a spine row. */
  spine: SpineRow[];
  fromMs: number;
  toMs: number;
  requestedBy: string;
}

export interface SnapshotQuery {
  /** Empty: every view's. */
  view: string;
  limit: number;
  pageToken: string;
}

/**
 * Training snapshots: a view version joined point-in-time onto a spine, over the records of one
 * immutable dataset version (read from ingestion), so a snapshot can always be rebuilt and its
 * lineage is exact. Equal inputs give an equal snapshot (same id), stored once.
 */
/** Snapshot ids: 32 hex digits. */
const SNAPSHOT_ID = /[0-9a-f]{32}/;

@Injectable()
export class SnapshotsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SnapshotsRepository,
    private readonly views: FeatureViewsService,
    private readonly ingestion: IngestionClient,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
  ) {}

  async create(request: SnapshotRequest): Promise<SnapshotMeta> {
    const started = performance.now();
    const view = await this.views.get(request.view, request.version);
    const source = await this.ingestion.sourceSchema(view.sourceDataset);
    const datasetVersion = await this.ingestion.version(view.sourceDataset, request.datasetVersion, request.cutDatasetVersion);
    const readStarted = performance.now();
    const records = (await this.ingestion.records(view.sourceDataset, datasetVersion.version)).map((r) => ({
      recordId: r.recordId,
      entityKey: String(r.fields[source.entityColumn]),
      eventTimeMs: r.fields[source.eventTimeColumn] as number,
      fields: r.fields,
    }));
    const spine =
      request.spine.length > 0
        ? request.spine
        : records
            .filter((r) => (!request.fromMs || r.eventTimeMs >= request.fromMs) && (!request.toMs || r.eventTimeMs < request.toMs))
            .map((r) => ({ entityKey: r.entityKey, timestampMs: r.eventTimeMs, label: labelOf(r.fields[source.labelColumn]) }));
    if (spine.length === 0) throw failedPrecondition(`no spine rows: dataset "${view.sourceDataset}" version ${datasetVersion.version} has no records in the range`);

    // The join, its hash and its profiles in a worker thread: the service answers meanwhile.
    const joinStarted = performance.now();
    const input: SnapshotBuildInput = { view, records, spine, identity: { view: view.name, version: view.version, featureNames: view.featureNames, dataset: datasetVersion.contentHash } };
    const { rows, contentHash, profiles } = await runInWorkerThread(path.join(__dirname, 'domain', 'snapshot-build.worker.js'), input, () => buildSnapshot(input));
    const joinMs = Math.round(performance.now() - joinStarted);
    const readMs = Math.round(joinStarted - readStarted);
    const id = contentHash.slice(0, 32);
    const existing = await this.repository.find(id);
    if (existing) return existing;

    const meta = {
      id,
      view: view.name,
      viewVersion: view.version,
      dataset: view.sourceDataset,
      datasetVersion: datasetVersion.version,
      datasetHash: datasetVersion.contentHash,
      rowCount: rows.length,
      contentHash,
      featureNames: view.featureNames,
      profiles,
      requestedBy: request.requestedBy,
      buildMs: Math.round(performance.now() - started),
    };
    const storeStarted = performance.now();
    await this.dataSource.transaction(async (manager) => {
      if (await this.repository.insert(manager, meta, rows)) {
        await this.outbox.enqueue(manager, Topics.snapshotCreated, toEvent(meta), { key: meta.view });
      }
    });
    this.relay.nudge();
    this.logger.info('snapshot created', { snapshotId: id, view: view.name, version: view.version, rows: rows.length, buildMs: meta.buildMs, readMs, joinMs, storeMs: Math.round(performance.now() - storeStarted) });
    return (await this.repository.find(id))!;
  }

  async get(id: string): Promise<SnapshotMeta> {
    const found = await this.repository.find(id);
    if (!found) throw notFound(`snapshot "${id}" does not exist`);
    return found;
  }

  /** A page of snapshots, newest first, without their profiles; the token continues after it. */
  async list(query: SnapshotQuery): Promise<{ snapshots: SnapshotMeta[]; nextPageToken: string }> {
    const limit = pageSize(query.limit, { fallback: 50, max: 500 });
    const after = keysetOfToken(query.pageToken, SNAPSHOT_ID);
    const { page, nextPageToken } = pageFrom(await this.repository.list({ view: query.view, after, limit: limit + 1 }), limit, (last) => keysetToken(last.position));
    return { snapshots: page.map((r) => r.meta), nextPageToken };
  }

  async *read(id: string) {
    await this.get(id);
    for await (const page of this.repository.rows(id)) yield* page;
  }
}

function labelOf(value: unknown): FeatureOutput {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function toEvent(meta: Omit<SnapshotMeta, 'createdAt'>) {
  return {
    snapshotId: meta.id,
    featureView: meta.view,
    featureViewVersion: meta.viewVersion,
    rowCount: meta.rowCount,
    contentHash: meta.contentHash,
    requestedByRunId: meta.requestedBy,
    dataset: meta.dataset,
    datasetVersion: meta.datasetVersion,
    datasetContentHash: meta.datasetHash,
    featureNames: meta.featureNames,
  };
}

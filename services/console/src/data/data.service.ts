import { Injectable } from '@nestjs/common';
import type { Wire } from '@mlops/client';
import type { features, ingestion } from '@mlops/contracts';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { type Page, nameMatches, pageOf } from '../upstream/query';
import type { CreateSnapshotBody } from './snapshot-request';
import { type SnapshotRowsPage, type WireSnapshotRow, checkOffset, pageOfRows } from './snapshot-rows';

type Dataset = Wire<ingestion.Dataset>;

/** Schema versions shown per dataset (the newest ones). */
const SCHEMA_HISTORY = 20;

export interface RejectedRecordView {
  dataset: string;
  reasonCode: string;
  reason: string;
  /** The record as received: its text when it is UTF-8 (JSON producers), else base64 of its bytes. */
  payload: string;
  payloadEncoding: 'text' | 'base64';
  source: string;
  rejectedAtMs: number;
}

/** proto-loader hands bytes over as base64 (bytes: String); text payloads are shown as text. */
export function payloadView(base64: string): { payload: string; payloadEncoding: 'text' | 'base64' } {
  const bytes = Buffer.from(base64, 'base64');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const printable = !text.includes('\uFFFD') && !/[\x00-\x08\x0e-\x1f]/.test(text);
  return printable ? { payload: text, payloadEncoding: 'text' } : { payload: base64, payloadEncoding: 'base64' };
}

/** The Data pages: datasets with their schema versions and dataset versions, rejected records, feature views and snapshots. */
@Injectable()
export class DataService {
  constructor(private readonly api: PlatformApi) {}

  async datasets(caller: Caller, query: string, page: number, pageSize: number): Promise<Page<Dataset>> {
    const datasets = await this.api.callAllPages(caller, 'ingestion', 'ListDatasets', {}, (r: Wire<ingestion.ListDatasetsResponse>) => r.datasets);
    return pageOf(datasets.filter((d) => nameMatches(d.dataset, query)).sort((a, b) => a.dataset.localeCompare(b.dataset)), page, pageSize);
  }

  async dataset(caller: Caller, name: string) {
    const [latest, versions] = await Promise.all([
      this.api.call<Dataset>(caller, 'ingestion', 'GetDataset', { dataset: name }),
      this.api.callAllPages(caller, 'ingestion', 'ListDatasetVersions', { dataset: name }, (r: Wire<ingestion.ListDatasetVersionsResponse>) => r.versions),
    ]);
    const older = [];
    for (let v = latest.schemaVersion - 1; v >= Math.max(1, latest.schemaVersion - SCHEMA_HISTORY + 1); v--) older.push(v);
    const schemas = [latest, ...(await Promise.all(older.map((schemaVersion) => this.api.call<Dataset>(caller, 'ingestion', 'GetDataset', { dataset: name, schemaVersion }))))];
    return { dataset: latest, schemas, versions: [...versions].sort((a, b) => b.version - a.version) };
  }

  async rejected(caller: Caller, q: { dataset: string; reasonCode: string; pageSize: number; pageToken: string }): Promise<{ records: RejectedRecordView[]; nextPageToken: string }> {
    const page = await this.api.call<Wire<ingestion.ListRejectedRecordsResponse>>(caller, 'ingestion', 'ListRejectedRecords', { dataset: q.dataset, reasonCode: q.reasonCode, limit: q.pageSize, pageToken: q.pageToken });
    return { records: page.records.map((r) => ({ ...r, ...payloadView(r.payload as unknown as string) })), nextPageToken: page.nextPageToken };
  }

  async featureViews(caller: Caller, query: string, page: number, pageSize: number): Promise<Page<Wire<features.FeatureView>>> {
    const views = await this.api.callAllPages(caller, 'featureStore', 'ListFeatureViews', {}, (r: Wire<features.ListFeatureViewsResponse>) => r.views);
    return pageOf(views.filter((v) => nameMatches(v.name, query)).sort((a, b) => a.name.localeCompare(b.name)), page, pageSize);
  }

  async featureView(caller: Caller, name: string, pageSize: number, pageToken: string) {
    const [view, snapshots] = await Promise.all([
      this.api.call<Wire<features.FeatureView>>(caller, 'featureStore', 'GetFeatureView', { name }),
      this.api.call<Wire<features.ListSnapshotsResponse>>(caller, 'featureStore', 'ListSnapshots', { featureView: name, limit: pageSize, pageToken }),
    ]);
    return { view, snapshots: snapshots.snapshots, nextPageToken: snapshots.nextPageToken };
  }

  snapshot(caller: Caller, snapshotId: string) {
    return this.api.call<Wire<features.Snapshot>>(caller, 'featureStore', 'GetSnapshot', { snapshotId });
  }

  /** Builds (or finds the identical) snapshot with the caller's token: the feature store's rule (engineer) decides. */
  createSnapshot(caller: Caller, request: CreateSnapshotBody) {
    return this.api.call<Wire<features.Snapshot>>(caller, 'featureStore', 'CreateSnapshot', request);
  }

  /** Rows [offset, offset + limit) of a snapshot, read from its ReadSnapshot stream (which stops after the page). */
  async snapshotRows(caller: Caller, snapshotId: string, offset: number, limit: number): Promise<SnapshotRowsPage> {
    const snapshot = await this.snapshot(caller, snapshotId);
    checkOffset(offset, snapshot.rowCount);
    const stream = this.api.shared.featureStore.download<WireSnapshotRow>('ReadSnapshot', { snapshotId }, { metadata: this.api.metadata(caller) });
    const { rows, more } = await pageOfRows(stream, offset, limit);
    return { snapshotId, featureNames: snapshot.featureNames, rowCount: snapshot.rowCount, offset, rows, nextOffset: more ? offset + rows.length : null };
  }
}

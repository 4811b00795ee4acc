import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Topics } from '@mlops/contracts';
import { alreadyExists, invalidArgument, notFound } from '@mlops/errors';
import { Outbox, OutboxRelay } from '@mlops/messaging';
import { JsonLogger } from '@mlops/observability';
import { DatasetsRepository } from '../datasets/datasets.repository';
import { type DatasetVersionRow, type StoredRecordRow, VersionsRepository } from './versions.repository';
import { LIST_PAGE_MAX, idOfToken, idToken, pageFrom, pageSize } from '@mlops/persistence';

export type VersionTrigger = 'request' | 'records' | 'schedule';
const SCHEDULE_CHECK_MS = 2000;

/**
 * Immutable dataset versions. A version is every record stored up to a point (a sequence
 * number), with its count, event-time range, the Kafka offsets it covers, and a sha256 over the
 * rows in record-id order: the same records give the same hash, whatever order they arrived in.
 */
@Injectable()
export class VersionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: VersionsRepository,
    private readonly datasets: DatasetsRepository,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    const tick = async () => {
      for (const dataset of await this.repository.dueBySchedule().catch(() => [])) {
        await this.create(dataset, '', 'schedule').catch((error) => this.logger.warn('scheduled version failed', { dataset, error }));
      }
      this.timer = setTimeout(tick, SCHEDULE_CHECK_MS);
    };
    this.timer = setTimeout(tick, SCHEDULE_CHECK_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** Cuts versions of datasets whose record-count schedule is due. */
  async afterRecordsStored(newRecords: Map<string, number>): Promise<void> {
    for (const dataset of newRecords.keys()) {
      const stored = await this.datasets.find(dataset);
      const every = stored?.schema.versionEveryRecords ?? 0;
      if (!stored || every <= 0) continue;
      const last = await this.repository.latest(dataset);
      if (stored.recordCount - (last?.rowCount ?? 0) >= every) {
        await this.create(dataset, '', 'records', every).catch((error) => this.logger.warn('record-count version failed', { dataset, error }));
      }
    }
  }

  /**
   * Cuts a version now. With `minNewRecords`, a concurrent cut that already took the records
   * makes this one a no-op (several replicas may see the same schedule come due).
   */
  async create(dataset: string, name: string, trigger: VersionTrigger, minNewRecords = 0): Promise<DatasetVersionRow | undefined> {
    if (name && !/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw invalidArgument('version name must be 1 to 100 characters of A-Z a-z 0-9 . _ -');
    const created = await this.dataSource.transaction(async (manager) => {
      if (!(await this.datasets.lock(manager, dataset))) throw notFound(`dataset "${dataset}" does not exist`);
      const last = await this.repository.latest(dataset, manager);
      const cut = await this.repository.measure(manager, dataset);
      if (minNewRecords > 0 && cut.rowCount - (last?.rowCount ?? 0) < minNewRecords) return undefined;
      if (trigger === 'schedule' && cut.rowCount === (last?.rowCount ?? 0)) return undefined;
      const schema = (await this.datasets.find(dataset, 0, manager))!.schema;
      const row = {
        dataset,
        version: (last?.version ?? 0) + 1,
        name: name || null,
        ...cut,
        contentHash: await this.hash(this.repository.rowsUpTo(dataset, cut.maxSeq, manager)),
        schemaVersion: schema.schemaVersion,
        trigger,
      };
      await this.repository.insert(manager, row).catch((error: { code?: string }) => {
        throw error.code === '23505' ? alreadyExists(`dataset "${dataset}" already has a version named "${name}"`) : error;
      });
      await this.outbox.enqueue(manager, Topics.datasetVersionCreated, toEvent(row), { key: dataset });
      return row;
    });
    if (!created) return undefined;
    this.relay.nudge();
    this.logger.info('dataset version created', { dataset, version: created.version, rows: created.rowCount, hash: created.contentHash, trigger });
    return (await this.repository.get(dataset, created.version))!;
  }

  async get(dataset: string, version: number): Promise<DatasetVersionRow> {
    const found = await this.repository.get(dataset, version);
    if (!found) throw notFound(version > 0 ? `dataset "${dataset}" has no version ${version}` : `dataset "${dataset}" has no versions`);
    return found;
  }

  /** A page of a dataset's versions, oldest first (at most LIST_PAGE_MAX). */
  async list(dataset: string, limit = 0, pageToken = ''): Promise<{ versions: DatasetVersionRow[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const { page, nextPageToken } = pageFrom(await this.repository.list(dataset, size + 1, idOfToken(pageToken)), size, (last) => idToken(last.version));
    return { versions: page, nextPageToken };
  }

  /** The records of a version, in record-id order. */
  async *read(dataset: string, version: number): AsyncGenerator<StoredRecordRow> {
    const found = await this.get(dataset, version);
    for await (const page of this.repository.rowsUpTo(dataset, found.maxSeq)) yield* page;
  }

  private async hash(pages: AsyncGenerator<StoredRecordRow[]>): Promise<string> {
    const hash = createHash('sha256');
    for await (const page of pages) {
      for (const row of page) hash.update(`${row.recordId}\t${row.fieldsText}\n`);
    }
    return hash.digest('hex');
  }
}

function toEvent(row: Omit<DatasetVersionRow, 'createdAt'>) {
  return {
    dataset: row.dataset,
    version: row.version,
    rowCount: row.rowCount,
    minEventTimeMs: row.minEventTime?.getTime() ?? 0,
    maxEventTimeMs: row.maxEventTime?.getTime() ?? 0,
    contentHash: row.contentHash,
    schemaVersion: row.schemaVersion,
    name: row.name ?? '',
    trigger: row.trigger,
  };
}

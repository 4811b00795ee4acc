import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import { DatasetsRepository, type StoredDataset } from './datasets.repository';
import { type DatasetSchema, type DatasetSpec, specProblems } from './domain/dataset-schema';
import { compareSchemas } from './domain/schema-evolution';
import { StreamLayout } from './stream-layout';
import { LIST_PAGE_MAX, pageFrom, pageSize, textOfToken, textToken } from '@mlops/persistence';

const CACHE_TTL_MS = 5000;

/** Dataset schemas: registration, evolution, and a short-lived cache for the record path. */
@Injectable()
export class DatasetsService {
  private readonly cache = new Map<string, { schema: DatasetSchema; loadedAt: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DatasetsRepository,
    private readonly layout: StreamLayout,
    private readonly logger: JsonLogger,
  ) {}

  /**
   * Registers a dataset or evolves its schema; the same definition again changes nothing. With
   * `validateOnly` every check runs but nothing is stored: the answer is the dataset as it would
   * be (a new dataset or schema version is not created, so its created time is now).
   */
  async register(spec: DatasetSpec, { validateOnly = false } = {}): Promise<StoredDataset> {
    const problems = specProblems(spec);
    if (problems.length > 0) throw invalidArgument(`invalid dataset definition: ${problems.join('; ')}`);
    // Asked before the transaction (a broker call must not hold the dataset's lock); used only if the dataset is new.
    const streamBuckets = validateOnly ? 0 : await this.layout.bucketsForNewDataset();
    return this.dataSource.transaction(async (manager) => {
      const exists = await this.repository.lock(manager, spec.dataset);
      const current = exists ? await this.repository.find(spec.dataset, 0, manager) : undefined;
      if (validateOnly) return this.preview(spec, current);
      if (!current) {
        await this.repository.insertSchema(manager, spec, 1, streamBuckets).catch((error: { code?: string }) => {
          throw error.code === '23505' ? alreadyExists(`dataset "${spec.dataset}" was registered concurrently; retry`) : error;
        });
        this.logger.info('dataset registered', { dataset: spec.dataset, streamBuckets });
      } else {
        const change = compareSchemas(current.schema, spec);
        if (change.kind === 'identical') return current;
        if (change.kind === 'incompatible') {
          throw failedPrecondition(`incompatible change to dataset "${spec.dataset}": ${change.reasons.join('; ')}`);
        }
        await this.repository.insertSchema(manager, spec, current.schema.schemaVersion + 1);
        this.logger.info('dataset schema evolved', { dataset: spec.dataset, schemaVersion: current.schema.schemaVersion + 1, changes: change.changes });
      }
      this.cache.delete(spec.dataset);
      return (await this.repository.find(spec.dataset, 0, manager))!;
    });
  }

  /** What register would store, or throw: the same comparison, no writes. */
  private preview(spec: DatasetSpec, current: StoredDataset | undefined): StoredDataset {
    if (!current) return { schema: { ...spec, schemaVersion: 1, createdAt: new Date(), streamBuckets: 0 }, recordCount: 0 };
    const change = compareSchemas(current.schema, spec);
    if (change.kind === 'identical') return current;
    if (change.kind === 'incompatible') throw failedPrecondition(`incompatible change to dataset "${spec.dataset}": ${change.reasons.join('; ')}`);
    return { schema: { ...spec, schemaVersion: current.schema.schemaVersion + 1, createdAt: new Date(), streamBuckets: current.schema.streamBuckets }, recordCount: current.recordCount };
  }

  async get(dataset: string, schemaVersion = 0): Promise<StoredDataset> {
    const found = await this.repository.find(dataset, schemaVersion);
    if (!found) throw notFound(schemaVersion ? `dataset "${dataset}" has no schema version ${schemaVersion}` : `dataset "${dataset}" does not exist`);
    return found;
  }

  /** A page of the datasets by name (at most LIST_PAGE_MAX). */
  async list(limit = 0, pageToken = ''): Promise<{ datasets: StoredDataset[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const { page, nextPageToken } = pageFrom(await this.repository.list(size + 1, textOfToken(pageToken, /.{1,300}/s)), size, (last) => textToken(last.schema.dataset));
    return { datasets: page, nextPageToken };
  }

  /** The current schema for validating records; undefined for an unknown dataset. */
  async schemaFor(dataset: string): Promise<DatasetSchema | undefined> {
    const cached = this.cache.get(dataset);
    if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.schema;
    const found = await this.repository.find(dataset);
    if (!found) {
      this.cache.delete(dataset);
      return undefined;
    }
    this.cache.set(dataset, { schema: found.schema, loadedAt: Date.now() });
    return found.schema;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notFound } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import type { FeatureView } from '../feature-views/domain/feature-view';
import type { CompiledView, FeatureOutput } from '../feature-views/domain/transforms';
import { FeatureViewsRepository } from '../feature-views/feature-views.repository';
import { OnlineStoreRepository, type OnlineEntry, type SourceRowToStore } from './online-store.repository';

export type EntityStatus = 'present' | 'missing' | 'expired';

export interface OnlineResult {
  entityKey: string;
  status: EntityStatus;
  values: FeatureOutput[];
  eventTimeMs: number;
  freshnessMs: number;
}

const BACKFILL_PAGE = 1000;
const LATEST_CACHE_MS = 1000;

/**
 * The online store: the latest feature values per entity, for every version of every view,
 * kept up to date from ingestion's accepted-records events and read by primary key.
 */
@Injectable()
export class OnlineStoreService {
  private readonly views = new Map<string, { view: FeatureView; at: number }>();

  constructor(
    private readonly repository: OnlineStoreRepository,
    private readonly viewsRepository: FeatureViewsRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** Stores new source records and refreshes the online values of the entities they touch. */
  async ingest(manager: EntityManager, dataset: string, rows: SourceRowToStore[], compile: (view: FeatureView) => CompiledView): Promise<void> {
    await this.repository.insertSourceRows(manager, dataset, rows);
    const entities = [...new Set(rows.map((r) => r.entityKey))];
    for (const view of await this.viewsRepository.forDataset(dataset, manager)) {
      await this.refresh(manager, compile(view), entities);
    }
  }

  /** Computes the online values of every entity already stored for a new view version. */
  async backfill(view: CompiledView): Promise<void> {
    let after = '';
    let count = 0;
    for (;;) {
      const keys = await this.repository.entityKeys(view.view.sourceDataset, after, BACKFILL_PAGE);
      if (keys.length === 0) break;
      await this.repository.withTransaction((manager) => this.refresh(manager, view, keys));
      count += keys.length;
      after = keys[keys.length - 1];
    }
    this.logger.info('online store backfilled', { view: view.view.name, version: view.view.version, entities: count });
  }

  async get(name: string, version: number, entityKeys: string[]): Promise<{ view: FeatureView; results: OnlineResult[] }> {
    const view = await this.resolve(name, version);
    const found = await this.repository.lookup(view.name, view.version, entityKeys);
    const now = Date.now();
    const ttlMs = view.ttlSeconds * 1000;
    const results = entityKeys.map((entityKey): OnlineResult => {
      const hit = found.get(entityKey);
      if (!hit) return { entityKey, status: 'missing', values: [], eventTimeMs: 0, freshnessMs: 0 };
      const freshnessMs = now - hit.eventTimeMs;
      return { entityKey, status: ttlMs > 0 && freshnessMs > ttlMs ? 'expired' : 'present', values: hit.values, eventTimeMs: hit.eventTimeMs, freshnessMs };
    });
    return { view, results };
  }

  private async refresh(manager: EntityManager, view: CompiledView, entities: string[]): Promise<void> {
    const histories = await this.repository.recentHistory(manager, view.view.sourceDataset, entities, view.maxWindowMs);
    const entries: OnlineEntry[] = [];
    for (const [entityKey, history] of histories) {
      const latest = history[history.length - 1];
      entries.push({ entityKey, values: view.compute(latest.eventTimeMs, latest, history), eventTimeMs: latest.eventTimeMs });
    }
    await this.repository.upsert(manager, view.view.name, view.view.version, entries);
  }

  /** Versions never change, so they are cached; "latest" is re-read at most once a second. */
  private async resolve(name: string, version: number): Promise<FeatureView> {
    const key = `${name}@${version}`;
    const cached = this.views.get(key);
    if (cached && (version > 0 || Date.now() - cached.at < LATEST_CACHE_MS)) return cached.view;
    const view = await this.viewsRepository.find(name, version);
    if (!view) throw notFound(version ? `feature view "${name}" has no version ${version}` : `feature view "${name}" does not exist`);
    this.views.set(key, { view, at: Date.now() });
    return view;
  }
}

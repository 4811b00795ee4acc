import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { invalidArgument, notFound } from '@mlops/errors';
import { JsonLogger } from '@mlops/observability';
import { IngestionClient } from '../ingestion-client/ingestion.client';
import { OnlineStoreService } from '../online/online-store.service';
import { type FeatureView, type FeatureViewSpec, featureNames, sameDefinition, viewProblems } from './domain/feature-view';
import { CompiledView } from './domain/transforms';
import { FeatureViewsRepository } from './feature-views.repository';
import { LIST_PAGE_MAX, pageFrom, pageSize, textOfToken, textToken } from '@mlops/persistence';

/**
 * Feature views and their versions. A version never changes: registering a different definition
 * makes the next version, and readers of older versions keep getting them (online and offline).
 */
@Injectable()
export class FeatureViewsService {
  private readonly compiled = new Map<string, CompiledView>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: FeatureViewsRepository,
    private readonly ingestion: IngestionClient,
    private readonly online: OnlineStoreService,
    private readonly logger: JsonLogger,
  ) {}

  async register(spec: FeatureViewSpec): Promise<FeatureView> {
    const source = await this.ingestion.sourceSchema(spec.sourceDataset);
    const problems = viewProblems(spec, source);
    if (problems.length > 0) throw invalidArgument(`invalid feature view: ${problems.join('; ')}`);
    const view = await this.dataSource.transaction(async (manager) => {
      await this.repository.lockName(manager, spec.name);
      const latest = await this.repository.find(spec.name, 0, manager);
      if (latest && sameDefinition(latest, spec)) return { view: latest, created: false };
      const next = { ...spec, version: (latest?.version ?? 0) + 1, entityColumn: source.entityColumn, featureNames: featureNames(spec.features) };
      await this.repository.insert(manager, next);
      return { view: (await this.repository.find(spec.name, next.version, manager))!, created: true };
    });
    if (view.created) {
      this.logger.info('feature view registered', { view: spec.name, version: view.view.version });
      // Records that arrived before the view existed are in the store already: backfill.
      await this.online.backfill(this.compile(view.view));
    }
    return view.view;
  }

  async get(name: string, version = 0): Promise<FeatureView> {
    const view = await this.repository.find(name, version);
    if (!view) throw notFound(version ? `feature view "${name}" has no version ${version}` : `feature view "${name}" does not exist`);
    return view;
  }

  /** A page of the views (each at its latest version) by name (at most LIST_PAGE_MAX). */
  async list(limit = 0, pageToken = ''): Promise<{ views: FeatureView[]; nextPageToken: string }> {
    const size = pageSize(limit, { fallback: LIST_PAGE_MAX, max: LIST_PAGE_MAX });
    const { page, nextPageToken } = pageFrom(await this.repository.listLatest(size + 1, textOfToken(pageToken, /.{1,300}/s)), size, (last) => textToken(last.name));
    return { views: page, nextPageToken };
  }

  /** Versions are immutable, so a compiled view is cached for the life of the process. */
  compile(view: FeatureView): CompiledView {
    const key = `${view.name}@${view.version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = new CompiledView(view);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}

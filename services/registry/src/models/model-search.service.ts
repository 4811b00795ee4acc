import { Injectable } from '@nestjs/common';
import { pageFrom } from '@mlops/persistence';
import type { ModelVersion, RegisteredModel } from './domain/model';
import { parsed } from './domain/filter-tokens';
import { parseModelFilter, parseModelOrder, parseVersionFilter, parseVersionOrder } from './domain/search-filter';
import { searchFingerprint, searchOffset, searchPageSize, searchPageToken } from './domain/search-page';
import { ModelSearchRepository, type SearchWindow } from './model-search.repository';

/** A search as MLflow's clients send it. */
export interface SearchQuery {
  filter: string;
  orderBy: string[];
  maxResults: number;
  pageToken: string;
}

/**
 * MLflow's registry searches: the filter and order_by parsed by the domain's grammars (a bad
 * one is INVALID_ARGUMENT naming the token), one page read with one row more than it shows, so
 * that whether that row comes back says whether a next page token is given.
 */
@Injectable()
export class ModelSearchService {
  constructor(private readonly repository: ModelSearchRepository) {}

  async searchModels(query: SearchQuery): Promise<{ models: RegisteredModel[]; nextPageToken: string }> {
    const clauses = parsed(() => parseModelFilter(query.filter));
    const order = parsed(() => parseModelOrder(query.orderBy));
    const { page, nextPageToken } = await this.page('models', clauses, order, query, (window) => this.repository.searchModels(clauses, order, window));
    return { models: page, nextPageToken };
  }

  async searchVersions(query: SearchQuery): Promise<{ versions: ModelVersion[]; nextPageToken: string }> {
    const clauses = parsed(() => parseVersionFilter(query.filter));
    const order = parsed(() => parseVersionOrder(query.orderBy));
    const { page, nextPageToken } = await this.page('versions', clauses, order, query, (window) => this.repository.searchVersions(clauses, order, window));
    return { versions: page, nextPageToken };
  }

  private async page<R>(kind: string, clauses: unknown, order: unknown, query: SearchQuery, read: (window: SearchWindow) => Promise<R[]>) {
    const limit = searchPageSize(query.maxResults);
    const fingerprint = searchFingerprint(kind, clauses, order);
    const offset = searchOffset(query.pageToken, fingerprint);
    return pageFrom(await read({ limit: limit + 1, offset }), limit, () => searchPageToken(offset + limit, fingerprint));
  }
}

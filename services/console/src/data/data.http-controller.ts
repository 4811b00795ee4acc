import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { intParam, pagingParams, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { DataService } from './data.service';
import { createSnapshotBody } from './snapshot-request';
import { SNAPSHOT_ROWS_PAGE } from './snapshot-rows';

@Controller('api')
@UseFilters(UpstreamErrorsFilter)
export class DataHttpController {
  constructor(private readonly data: DataService) {}

  @Get('datasets')
  datasets(@CallerOf() caller: Caller, @Query() q: { q?: string; page?: string; pageSize?: string }) {
    const { page, pageSize } = pagingParams(q);
    return this.data.datasets(caller, textParam(q.q, 'q', 200), page, pageSize);
  }

  @Get('datasets/:name')
  dataset(@CallerOf() caller: Caller, @Param('name') name: string) {
    return this.data.dataset(caller, name);
  }

  @Get('rejected-records')
  rejected(@CallerOf() caller: Caller, @Query() q: { dataset?: string; reason?: string; pageSize?: string; pageToken?: string }) {
    return this.data.rejected(caller, {
      dataset: textParam(q.dataset, 'dataset', 200),
      reasonCode: textParam(q.reason, 'reason', 100),
      pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: 500, fallback: 20 }),
      pageToken: textParam(q.pageToken, 'pageToken'),
    });
  }

  @Get('feature-views')
  featureViews(@CallerOf() caller: Caller, @Query() q: { q?: string; page?: string; pageSize?: string }) {
    const { page, pageSize } = pagingParams(q);
    return this.data.featureViews(caller, textParam(q.q, 'q', 200), page, pageSize);
  }

  @Get('feature-views/:name')
  featureView(@CallerOf() caller: Caller, @Param('name') name: string, @Query() q: { pageSize?: string; pageToken?: string }) {
    return this.data.featureView(caller, name, intParam(q.pageSize, 'pageSize', { min: 1, max: 500, fallback: 20 }), textParam(q.pageToken, 'pageToken'));
  }

  @Get('snapshots/:id')
  snapshot(@CallerOf() caller: Caller, @Param('id') id: string) {
    return this.data.snapshot(caller, id);
  }

  @Post('snapshots') @HttpCode(200)
  createSnapshot(@CallerOf() caller: Caller, @Body() body: unknown) {
    return this.data.createSnapshot(caller, createSnapshotBody(body));
  }

  /** A page of a snapshot's rows as JSON (see snapshot-rows.ts): what training code outside the platform reads. */
  @Get('snapshots/:id/rows')
  snapshotRows(@CallerOf() caller: Caller, @Param('id') id: string, @Query() q: { offset?: string; limit?: string }) {
    const offset = intParam(q.offset, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
    const limit = intParam(q.limit, 'limit', { min: 1, max: SNAPSHOT_ROWS_PAGE.max, fallback: SNAPSHOT_ROWS_PAGE.fallback });
    return this.data.snapshotRows(caller, textParam(id, 'id', 64), offset, limit);
  }
}

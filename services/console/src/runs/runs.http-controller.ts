import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { intParam, listParam, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { MAX_COMPARED_BY_ID, RunsService } from './runs.service';

interface ListQuery {
  q?: string;
  experiment?: string;
  filter?: string;
  orderBy?: string;
  pageSize?: string;
  pageToken?: string;
  model?: string;
}

@Controller('api')
@UseFilters(UpstreamErrorsFilter)
export class RunsHttpController {
  constructor(private readonly runs: RunsService) {}

  @Get('experiments')
  experiments(@CallerOf() caller: Caller, @Query() q: ListQuery) {
    return this.runs.experiments(caller, textParam(q.q, 'q', 200), intParam(q.pageSize, 'pageSize', { min: 1, max: 1000, fallback: 50 }), textParam(q.pageToken, 'pageToken'));
  }

  /** MLflow's search: `filter` in its grammar, `orderBy` comma-separated ("metrics.accuracy DESC"). */
  @Get('runs')
  search(@CallerOf() caller: Caller, @Query() q: ListQuery) {
    return this.runs.search(caller, {
      experiment: textParam(q.experiment, 'experiment', 200),
      filter: textParam(q.filter, 'filter', 2000),
      orderBy: listParam(q.orderBy, 'orderBy', 10),
      pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: 1000, fallback: 50 }),
      pageToken: textParam(q.pageToken, 'pageToken'),
    });
  }

  /** Runs side by side: `runs=<id>,<id>` (up to 100), or `experiment=<name>[&filter=...]` (up to 1,000). */
  @Get('compare')
  compare(@CallerOf() caller: Caller, @Query() q: ListQuery & { runs?: string }) {
    return this.runs.compare(caller, { runIds: listParam(q.runs, 'runs', MAX_COMPARED_BY_ID), experiment: textParam(q.experiment, 'experiment', 200), filter: textParam(q.filter, 'filter', 2000) });
  }

  @Get('runs/:id')
  run(@CallerOf() caller: Caller, @Param('id') id: string) {
    return this.runs.run(caller, id);
  }

  @Get('runs/:id/metrics/:key')
  history(@CallerOf() caller: Caller, @Param('id') id: string, @Param('key') key: string, @Query('pageToken') pageToken?: string) {
    return this.runs.history(caller, id, key, pageToken ?? '');
  }

  /** One metric's curves for many runs (a POST: a thousand run ids do not fit in a URL). A read. */
  @Post('metric-histories')
  @HttpCode(200)
  histories(@CallerOf() caller: Caller, @Body() body: Record<string, unknown>) {
    return this.runs.histories(caller, body ?? {});
  }

  @Get('jobs')
  jobs(@CallerOf() caller: Caller, @Query() q: ListQuery) {
    return this.runs.jobs(caller, textParam(q.model, 'model', 200), intParam(q.pageSize, 'pageSize', { min: 1, max: 1000, fallback: 50 }), textParam(q.pageToken, 'pageToken'));
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { intParam, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { DeploymentsService } from './deployments.service';

@Controller('api/deployments')
@UseFilters(UpstreamErrorsFilter)
export class DeploymentsHttpController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Get()
  list(@CallerOf() caller: Caller, @Query() q: { model?: string; active?: string; pageSize?: string; pageToken?: string }) {
    return this.deployments.list(caller, {
      modelName: textParam(q.model, 'model', 200),
      activeOnly: q.active === 'true',
      pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: 500, fallback: 20 }),
      pageToken: textParam(q.pageToken, 'pageToken'),
    });
  }

  @Get(':id')
  get(@CallerOf() caller: Caller, @Param('id') id: string) {
    return this.deployments.get(caller, id);
  }

  @Post(':id/:action')
  @HttpCode(200)
  act(@CallerOf() caller: Caller, @Param('id') id: string, @Param('action') action: string, @Body() body: Record<string, unknown>) {
    return this.deployments.act(caller, id, action, body ?? {});
  }
}

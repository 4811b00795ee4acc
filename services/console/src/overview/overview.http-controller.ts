import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { intParam, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { OverviewService } from './overview.service';

@Controller('api')
@UseFilters(UpstreamErrorsFilter)
export class OverviewHttpController {
  constructor(private readonly overview: OverviewService) {}

  @Get('health')
  health(@CallerOf() caller: Caller) {
    return this.overview.health(caller);
  }

  @Get('sagas')
  sagas(@CallerOf() caller: Caller, @Query('model') model?: string, @Query('limit') limit?: string) {
    return this.overview.sagas(caller, textParam(model, 'model', 200), intParam(limit, 'limit', { min: 1, max: 50, fallback: 10 }));
  }
}

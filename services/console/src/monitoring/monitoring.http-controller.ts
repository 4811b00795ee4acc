import { Controller, Get, Param, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { intParam, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { MonitoringService } from './monitoring.service';

@Controller('api')
@UseFilters(UpstreamErrorsFilter)
export class MonitoringHttpController {
  constructor(private readonly monitoring: MonitoringService) {}

  @Get('monitoring/:model')
  model(@CallerOf() caller: Caller, @Param('model') model: string, @Query('sinceMs') sinceMs?: string) {
    return this.monitoring.model(caller, model, intParam(sinceMs, 'sinceMs', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }));
  }

  @Get('alerts')
  alerts(@CallerOf() caller: Caller, @Query() q: { model?: string; pageSize?: string; pageToken?: string }) {
    return this.monitoring.alerts(caller, {
      modelName: textParam(q.model, 'model', 200),
      pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: 100, fallback: 20 }),
      pageToken: textParam(q.pageToken, 'pageToken'),
    });
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../upstream/caller.decorator';
import type { Caller } from '../upstream/platform-api';
import { pagingParams, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';
import { requiredVersion } from '../upstream/body';
import { ModelsService } from './models.service';

@Controller('api/models')
@UseFilters(UpstreamErrorsFilter)
export class ModelsHttpController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(@CallerOf() caller: Caller, @Query() q: { q?: string; page?: string; pageSize?: string }) {
    const { page, pageSize } = pagingParams(q);
    return this.models.list(caller, textParam(q.q, 'q', 200), page, pageSize);
  }

  @Get(':name')
  get(@CallerOf() caller: Caller, @Param('name') name: string) {
    return this.models.get(caller, name);
  }

  @Get(':name/versions/:version')
  version(@CallerOf() caller: Caller, @Param('name') name: string, @Param('version') version: string) {
    return this.models.version(caller, name, requiredVersion(version));
  }

  @Post(':name/aliases')
  @HttpCode(200)
  setAlias(@CallerOf() caller: Caller, @Param('name') name: string, @Body() body: Record<string, unknown>) {
    return this.models.setAlias(caller, name, body ?? {});
  }

  @Post(':name/versions/:version/approve')
  @HttpCode(200)
  approve(@CallerOf() caller: Caller, @Param('name') name: string, @Param('version') version: string, @Body() body: Record<string, unknown>) {
    return this.models.approve(caller, name, requiredVersion(version), body ?? {});
  }
}

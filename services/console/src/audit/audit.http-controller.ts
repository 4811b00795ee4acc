import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { SERVICE_NAMES, type ServiceName, mergedAuditLog } from '@mlops/client';
import { invalidArgument } from '@mlops/errors';
import { CallerOf } from '../upstream/caller.decorator';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { intParam, listParam, textParam } from '../upstream/query';
import { UpstreamErrorsFilter } from '../upstream/upstream-errors.filter';

/** The Audit page: every service's audit log and the registry's governance events, merged, newest first. */
@Controller('api/audit')
@UseFilters(UpstreamErrorsFilter)
export class AuditHttpController {
  constructor(private readonly api: PlatformApi) {}

  @Get()
  list(@CallerOf() caller: Caller, @Query() q: { service?: string; principal?: string; action?: string; pageSize?: string; pageToken?: string }) {
    const services = listParam(q.service, 'service', SERVICE_NAMES.length);
    const unknown = services.find((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
    if (unknown) throw invalidArgument(`unknown service "${unknown.slice(0, 40)}"; one of ${SERVICE_NAMES.join(', ')}`);
    return mergedAuditLog(
      this.api.shared,
      {
        services: services as ServiceName[],
        principal: textParam(q.principal, 'principal', 128),
        actionPrefix: textParam(q.action, 'action', 200),
        pageSize: intParam(q.pageSize, 'pageSize', { min: 1, max: 500, fallback: 50 }),
        pageToken: textParam(q.pageToken, 'pageToken', 2000),
      },
      { metadata: this.api.metadata(caller) },
    );
  }
}

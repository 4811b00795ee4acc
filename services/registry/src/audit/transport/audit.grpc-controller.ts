import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { registry } from '@mlops/contracts';
import { AuditService } from '../audit.service';

@Controller()
export class AuditGrpcController {
  constructor(private readonly audit: AuditService) {}

  @GrpcMethod('RegistryService', 'ListAuditEvents')
  async listAuditEvents(r: registry.ListAuditEventsRequest): Promise<registry.ListAuditEventsResponse> {
    const { events, nextPageToken } = await this.audit.list({ modelName: r.modelName, actor: r.actor, limit: r.limit, pageToken: r.pageToken });
    return {
      events: events.map((e) => ({ id: e.id, actor: e.actor, action: e.action, modelName: e.modelName, details: JSON.stringify(e.details), correlationId: e.correlationId, atMs: e.at.getTime() })),
      nextPageToken,
    };
  }
}

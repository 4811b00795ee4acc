import { Injectable } from '@nestjs/common';
import { invalidArgument } from '@mlops/errors';
import { auditPageSize, eventIdOfToken, tokenOfEventId } from './domain/audit-page';
import { type AuditEntry, AuditRepository } from './audit.repository';

export interface AuditQuery {
  modelName: string;
  actor: string;
  limit: number;
  pageToken: string;
}

export interface AuditPage {
  events: AuditEntry[];
  /** Empty when no older event matches. */
  nextPageToken: string;
}

/** Reading the audit log a page at a time (writing happens in each change's transaction). */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    const limit = auditPageSize(query.limit);
    const beforeId = query.pageToken ? eventIdOfToken(query.pageToken) : undefined;
    if (query.pageToken && beforeId === undefined) throw invalidArgument(`page_token "${query.pageToken}" is not one this service gave`);
    // One more than the page: whether it comes back says whether older events follow.
    const rows = await this.repository.list({ modelName: query.modelName, actor: query.actor, beforeId, limit: limit + 1 });
    const events = rows.slice(0, limit);
    return { events, nextPageToken: rows.length > limit ? tokenOfEventId(events[events.length - 1]!.id) : '' };
  }
}

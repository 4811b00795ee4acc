import { Injectable } from '@nestjs/common';
import { idOfToken, idToken, pageFrom } from '@mlops/persistence';
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
    // 0 (unset) or less means 100; more than 1000 is cut to it (as before paging came).
    const limit = query.limit <= 0 ? 100 : Math.min(query.limit, 1000);
    // The token is the last event's id in decimal: the console's merged audit trail (libs/client) relies on it.
    const beforeId = idOfToken(query.pageToken);
    const { page, nextPageToken } = pageFrom(await this.repository.list({ modelName: query.modelName, actor: query.actor, beforeId, limit: limit + 1 }), limit, (last) => idToken(last.id));
    return { events: page, nextPageToken };
  }
}

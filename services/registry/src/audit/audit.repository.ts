import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentCorrelationId } from '@mlops/observability';
import { schemaOf } from '@mlops/persistence';

export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  modelName: string;
  details: Record<string, unknown>;
  correlationId: string;
  at: Date;
}

export interface AuditFilter {
  /** Empty: every model's. */
  modelName: string;
  /** Empty: everybody's. */
  actor: string;
  beforeId?: number;
  limit: number;
}

/** The append-only audit log: written in the transaction of the change it records. */
@Injectable()
export class AuditRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  async append(manager: EntityManager, actor: string, action: string, modelName: string, details: Record<string, unknown>): Promise<void> {
    await manager.query(`INSERT INTO "${this.s}".audit_log (actor, action, model_name, details, correlation_id) VALUES ($1, $2, $3, $4, $5)`, [
      actor,
      action,
      modelName,
      JSON.stringify(details),
      currentCorrelationId() ?? '',
    ]);
  }

  /** Newest first: at most `limit` events with an id below `beforeId` (when given), of the model and actor (when given). */
  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (filter.modelName) add('model_name = ?', filter.modelName);
    if (filter.actor) add('actor = ?', filter.actor);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    params.push(filter.limit);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      actor: r.actor as string,
      action: r.action as string,
      modelName: r.model_name as string,
      details: r.details as Record<string, unknown>,
      correlationId: r.correlation_id as string,
      at: r.at as Date,
    }));
  }
}

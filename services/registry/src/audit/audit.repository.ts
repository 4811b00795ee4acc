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

  async list(modelName: string, limit: number): Promise<AuditEntry[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".audit_log WHERE ($1 = '' OR model_name = $1) ORDER BY id DESC LIMIT $2`,
      [modelName, limit <= 0 ? 100 : Math.min(limit, 1000)],
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

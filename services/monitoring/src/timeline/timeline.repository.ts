import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import { type Step, sagaRank } from './domain/steps';

export interface StoredStep extends Step {
  at: Date;
  service: string;
}

/** Saga steps by correlation id. */
@Injectable()
export class TimelineRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  async append(manager: EntityManager, eventId: string, correlationId: string, service: string, at: Date, step: Step): Promise<void> {
    await manager.query(
      `INSERT INTO "${this.s}".timeline_steps (event_id, correlation_id, service, at, kind, model_name, version, summary, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, correlationId, service, at, step.kind, step.modelName, step.version, step.summary, JSON.stringify(step.details)],
    );
  }

  async steps(correlationId: string): Promise<StoredStep[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM "${this.s}".timeline_steps WHERE correlation_id = $1 ORDER BY at, id`, [correlationId]);
    // Rows come by time, then by arrival; equal times are put in the saga's order (stable sort).
    return rows.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime() || sagaRank(a.kind as string) - sagaRank(b.kind as string)).map((r) => ({
      at: r.at as Date,
      service: r.service as string,
      kind: r.kind as string,
      modelName: r.model_name as string,
      version: r.version as number,
      summary: r.summary as string,
      details: r.details as Record<string, string>,
    }));
  }
}

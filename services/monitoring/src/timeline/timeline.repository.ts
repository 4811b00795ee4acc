import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { SagaStep as Step } from '@mlops/client';
import { inSagaOrder } from './domain/saga-order';

export interface StoredStep extends Step {
  at: Date;
  service: string;
}

type Row = Record<string, unknown>;

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

  /** Every step of a saga, oldest first. */
  async steps(correlationId: string): Promise<StoredStep[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM "${this.s}".timeline_steps WHERE correlation_id = $1 ORDER BY at, id`, [correlationId]);
    return inSagaOrder(rows.map(toStep));
  }

  /**
   * The `limit` sagas whose latest step (of `model`, when given) is the newest, newest first. A
   * loose index scan: each round takes the newest step older than the last one taken that
   * belongs to no saga taken yet (timeline_newest or timeline_by_model), so it reads about the
   * steps of the sagas it returns, not the whole table.
   */
  async latestSagas(model: string, limit: number): Promise<string[]> {
    const ofModel = model ? 'AND model_name = $2' : '';
    const rows: { correlation_id: string }[] = await this.dataSource.query(
      `WITH RECURSIVE sagas (correlation_id, at, id, seen, n) AS (
         (SELECT correlation_id, at, id, ARRAY[correlation_id], 1 FROM "${this.s}".timeline_steps WHERE true ${ofModel} ORDER BY at DESC, id DESC LIMIT 1)
         UNION ALL
         SELECT next.correlation_id, next.at, next.id, sagas.seen || next.correlation_id, sagas.n + 1
         FROM sagas CROSS JOIN LATERAL (
           SELECT correlation_id, at, id FROM "${this.s}".timeline_steps
           WHERE (at, id) < (sagas.at, sagas.id) AND correlation_id <> ALL (sagas.seen) ${ofModel}
           ORDER BY at DESC, id DESC LIMIT 1
         ) next
         WHERE sagas.n < $1
       )
       SELECT correlation_id FROM sagas ORDER BY n`,
      model ? [limit, model] : [limit],
    );
    return rows.map((r) => r.correlation_id);
  }

  /** The latest `perSaga` steps of each saga, oldest first (as `steps` orders them). */
  async latestSteps(correlationIds: string[], perSaga: number): Promise<Map<string, StoredStep[]>> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT step.* FROM unnest($1::text[]) AS saga (correlation_id)
       CROSS JOIN LATERAL (
         SELECT * FROM "${this.s}".timeline_steps WHERE correlation_id = saga.correlation_id ORDER BY at DESC, id DESC LIMIT $2
       ) step
       ORDER BY step.at, step.id`,
      [correlationIds, perSaga],
    );
    const bySaga = new Map<string, StoredStep[]>(correlationIds.map((id) => [id, []]));
    for (const row of rows) bySaga.get(row.correlation_id as string)?.push(toStep(row));
    for (const [id, steps] of bySaga) bySaga.set(id, inSagaOrder(steps));
    return bySaga;
  }
}

function toStep(r: Row): StoredStep {
  return {
    at: r.at as Date,
    service: r.service as string,
    kind: r.kind as string,
    modelName: r.model_name as string,
    version: r.version as number,
    summary: r.summary as string,
    details: r.details as Record<string, string>,
  };
}

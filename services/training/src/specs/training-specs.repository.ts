import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows, schemaOf } from '@mlops/persistence';
import type { StoredTrainingSpec, TrainingSpecInput } from './domain/training-spec';

interface SpecRow {
  name: string;
  job: Record<string, unknown>;
  schedule: string;
  description: string;
  revision: number;
  created_at: Date;
  updated_at: Date;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_job_id: string;
  last_error: string;
}

const toSpec = (row: SpecRow): StoredTrainingSpec => ({
  name: row.name,
  job: row.job,
  schedule: row.schedule,
  description: row.description,
  revision: row.revision,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  nextRunAt: row.next_run_at,
  lastRunAt: row.last_run_at,
  lastJobId: row.last_job_id,
  lastError: row.last_error,
});

/** All SQL of training specs. */
@Injectable()
export class TrainingSpecsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Inserts the spec at revision 1 unless the name is taken; the stored row when it was inserted. */
  async insert(manager: EntityManager, spec: TrainingSpecInput, nextRunAt: Date | null): Promise<StoredTrainingSpec | undefined> {
    const rows: SpecRow[] = await manager.query(
      `INSERT INTO "${this.s}".training_specs (name, job, schedule, description, next_run_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING *`,
      [spec.name, JSON.stringify(spec.job), spec.schedule, spec.description, nextRunAt],
    );
    return rows[0] && toSpec(rows[0]);
  }

  /** The spec, locked until the transaction ends. */
  async lock(manager: EntityManager, name: string): Promise<StoredTrainingSpec | undefined> {
    const rows: SpecRow[] = await manager.query(`SELECT * FROM "${this.s}".training_specs WHERE name = $1 FOR UPDATE`, [name]);
    return rows[0] && toSpec(rows[0]);
  }

  /** A changed spec; `nextRunAt` is when its schedule next fires (kept by the caller when the schedule is the same). */
  async update(manager: EntityManager, spec: TrainingSpecInput, nextRunAt: Date | null): Promise<StoredTrainingSpec> {
    // typeorm answers an UPDATE with [rows, count]; returnedRows takes the rows.
    const rows = returnedRows<SpecRow>(await manager.query(
      `UPDATE "${this.s}".training_specs SET job = $2, schedule = $3, description = $4, next_run_at = $5, revision = revision + 1, updated_at = now() WHERE name = $1 RETURNING *`,
      [spec.name, JSON.stringify(spec.job), spec.schedule, spec.description, nextRunAt],
    ));
    return toSpec(rows[0]!);
  }

  async find(name: string): Promise<StoredTrainingSpec | undefined> {
    const rows: SpecRow[] = await this.dataSource.query(`SELECT * FROM "${this.s}".training_specs WHERE name = $1`, [name]);
    return rows[0] && toSpec(rows[0]);
  }

  /** Up to `limit` specs by name, after `after` (exclusive). */
  async list(limit: number, after: string | undefined): Promise<StoredTrainingSpec[]> {
    const rows: SpecRow[] = await this.dataSource.query(
      `SELECT * FROM "${this.s}".training_specs WHERE $1::text IS NULL OR name > $1 ORDER BY name COLLATE "C" LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map(toSpec);
  }

  /**
   * Scheduled specs that are due (or were never armed), locked until the transaction ends;
   * another replica's tick skips them, so each firing is handled once.
   */
  async lockDue(manager: EntityManager, now: Date, limit: number): Promise<StoredTrainingSpec[]> {
    const rows: SpecRow[] = await manager.query(
      `SELECT * FROM "${this.s}".training_specs WHERE schedule <> '' AND (next_run_at IS NULL OR next_run_at <= $1)
       ORDER BY next_run_at NULLS FIRST, name LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toSpec);
  }

  /** Arms a spec's schedule without firing it. */
  async arm(manager: EntityManager, name: string, nextRunAt: Date): Promise<void> {
    await manager.query(`UPDATE "${this.s}".training_specs SET next_run_at = $2 WHERE name = $1`, [name, nextRunAt]);
  }

  /** Records a firing (due at `firedAt`): the job it submitted or the reason it submitted none, and the next one. */
  async fired(manager: EntityManager, name: string, firing: { firedAt: Date; nextRunAt: Date; jobId: string; error: string }): Promise<void> {
    await manager.query(
      `UPDATE "${this.s}".training_specs SET last_run_at = $2, next_run_at = $3, last_job_id = $4, last_error = $5 WHERE name = $1`,
      [name, firing.firedAt, firing.nextRunAt, firing.jobId, firing.error],
    );
  }
}

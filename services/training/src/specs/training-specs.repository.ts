import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { StoredTrainingSpec, TrainingSpecInput } from './domain/training-spec';

interface SpecRow {
  name: string;
  job: Record<string, unknown>;
  schedule: string;
  description: string;
  revision: number;
  created_at: Date;
  updated_at: Date;
}

const toSpec = (row: SpecRow): StoredTrainingSpec => ({
  name: row.name,
  job: row.job,
  schedule: row.schedule,
  description: row.description,
  revision: row.revision,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
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
  async insert(manager: EntityManager, spec: TrainingSpecInput): Promise<StoredTrainingSpec | undefined> {
    const rows: SpecRow[] = await manager.query(
      `INSERT INTO "${this.s}".training_specs (name, job, schedule, description) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING *`,
      [spec.name, JSON.stringify(spec.job), spec.schedule, spec.description],
    );
    return rows[0] && toSpec(rows[0]);
  }

  /** The spec, locked until the transaction ends. */
  async lock(manager: EntityManager, name: string): Promise<StoredTrainingSpec | undefined> {
    const rows: SpecRow[] = await manager.query(`SELECT * FROM "${this.s}".training_specs WHERE name = $1 FOR UPDATE`, [name]);
    return rows[0] && toSpec(rows[0]);
  }

  async update(manager: EntityManager, spec: TrainingSpecInput): Promise<StoredTrainingSpec> {
    const rows: SpecRow[] = await manager.query(
      `UPDATE "${this.s}".training_specs SET job = $2, schedule = $3, description = $4, revision = revision + 1, updated_at = now() WHERE name = $1 RETURNING *`,
      [spec.name, JSON.stringify(spec.job), spec.schedule, spec.description],
    );
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
}

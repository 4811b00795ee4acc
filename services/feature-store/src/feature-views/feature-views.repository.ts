import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import type { FeatureView, FeatureViewSpec } from './domain/feature-view';

interface ViewRow {
  name: string;
  version: number;
  spec: FeatureViewSpec;
  entity_column: string;
  feature_names: string[];
  created_at: Date;
}

@Injectable()
export class FeatureViewsRepository {
  private readonly s: string;

  constructor(private readonly dataSource: DataSource) {
    this.s = schemaOf(dataSource);
  }

  /** A version of a view; version 0 is the latest. */
  async find(name: string, version = 0, manager: EntityManager = this.dataSource.manager): Promise<FeatureView | undefined> {
    const rows: ViewRow[] = await manager.query(
      `SELECT * FROM "${this.s}".feature_views WHERE name = $1 AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1`,
      [name, version],
    );
    return rows[0] && toView(rows[0]);
  }

  /** The latest version of up to `limit` views by name, after `after` when given. */
  async listLatest(limit: number, after?: string): Promise<FeatureView[]> {
    const rows: ViewRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (name) * FROM "${this.s}".feature_views WHERE ($1::text IS NULL OR name > $1) ORDER BY name, version DESC LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map(toView);
  }

  /** Every version of every view over a dataset (all of them are kept materialized). */
  async forDataset(dataset: string, manager: EntityManager = this.dataSource.manager): Promise<FeatureView[]> {
    const rows: ViewRow[] = await manager.query(`SELECT * FROM "${this.s}".feature_views WHERE spec->>'sourceDataset' = $1 ORDER BY name, version`, [dataset]);
    return rows.map(toView);
  }

  /** Serializes registrations of one view name (advisory lock held until the transaction ends). */
  async lockName(manager: EntityManager, name: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`feature-view:${this.s}:${name}`]);
  }

  async insert(manager: EntityManager, view: Omit<FeatureView, 'createdAt'>): Promise<void> {
    const { version: _v, entityColumn, featureNames, ...spec } = view;
    await manager.query(`INSERT INTO "${this.s}".feature_views (name, version, spec, entity_column, feature_names) VALUES ($1, $2, $3, $4, $5)`, [
      view.name,
      view.version,
      JSON.stringify(spec),
      entityColumn,
      JSON.stringify(featureNames),
    ]);
  }
}

function toView(row: ViewRow): FeatureView {
  return { ...row.spec, name: row.name, version: row.version, entityColumn: row.entity_column, featureNames: row.feature_names, createdAt: row.created_at };
}

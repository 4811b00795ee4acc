import type { DataSource } from 'typeorm';
import { openDataSource } from '@mlops/persistence';
import { testDatabaseUrl, uniqueName } from '@mlops/testing';
import { Jobs1732800000600 } from '../src/migrations/1732800000600-jobs';
import { JobCorrelation1732800000900 } from '../src/migrations/1732800000900-job-correlation';
import { ExperimentLifecycle1732800001000 } from '../src/migrations/1732800001000-experiment-lifecycle';
import { Tracking1732800000500 } from '../src/migrations/1732800000500-tracking';

const BEFORE = [Tracking1732800000500, Jobs1732800000600, JobCorrelation1732800000900];

/** The migration to MLflow's experiment ids, on a schema that already holds experiments and runs. */
describe('migration ExperimentLifecycle1732800001000', () => {
  const sources: DataSource[] = [];
  const open = async (schema: string, migrations: Function[]) => {
    const source = await openDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations, poolSize: 2 });
    sources.push(source);
    return source;
  };
  afterAll(async () => {
    for (const source of sources) if (source.isInitialized) await source.destroy();
  });

  it('gives existing experiments ids in creation order, adds "Default" as 0, and keeps every run with its experiment', async () => {
    const schema = uniqueName('training_migration');
    const before = await open(schema, BEFORE);
    await before.query(
      `INSERT INTO "${schema}".experiments (name, created_at) VALUES ('late', '2024-03-01T00:00:00Z'), ('early', '2024-01-01T00:00:00Z'), ('tie_b', '2024-02-01T00:00:00Z'), ('tie_a', '2024-02-01T00:00:00Z')`,
    );
    const run = (id: string, experiment: string) => before.query(`INSERT INTO "${schema}".runs (run_id, experiment, run_name, status, start_time) VALUES ($1, $2, 'r', 'finished', 1)`, [id, experiment]);
    await run('00000000-0000-4000-8000-000000000001', 'late');
    await run('00000000-0000-4000-8000-000000000002', 'early');
    await before.destroy();

    const after = await open(schema, [...BEFORE, ExperimentLifecycle1732800001000]);
    const experiments = await after.query(`SELECT experiment_id::text AS id, name, lifecycle_stage, last_update_time = created_at AS unchanged FROM "${schema}".experiments ORDER BY experiment_id`);
    expect(experiments.map((e: { id: string; name: string }) => [e.id, e.name])).toEqual([['0', 'Default'], ['1', 'early'], ['2', 'tie_a'], ['3', 'tie_b'], ['4', 'late']]);
    expect(experiments.every((e: { lifecycle_stage: string; unchanged: boolean }) => e.lifecycle_stage === 'active' && e.unchanged)).toBe(true);
    const runs = await after.query(`SELECT run_id::text, experiment_id::text, lifecycle_stage, user_id FROM "${schema}".runs ORDER BY run_id`);
    expect(runs).toEqual([
      { run_id: '00000000-0000-4000-8000-000000000001', experiment_id: '4', lifecycle_stage: 'active', user_id: '' },
      { run_id: '00000000-0000-4000-8000-000000000002', experiment_id: '1', lifecycle_stage: 'active', user_id: '' },
    ]);
    // New experiments continue the sequence; names stay unique.
    expect(await after.query(`INSERT INTO "${schema}".experiments (name) VALUES ('next') RETURNING experiment_id::text AS id`)).toEqual([{ id: '5' }]);
    await expect(after.query(`INSERT INTO "${schema}".experiments (name) VALUES ('early')`)).rejects.toThrow(/experiments_name_key/);

    // And back down: runs name their experiment again.
    await after.undoLastMigration({ transaction: 'each' });
    expect(await after.query(`SELECT experiment FROM "${schema}".runs ORDER BY run_id`)).toEqual([{ experiment: 'late' }, { experiment: 'early' }]);
  });

  it('gives an existing "Default" the id 0', async () => {
    const schema = uniqueName('training_migration');
    const before = await open(schema, BEFORE);
    await before.query(`INSERT INTO "${schema}".experiments (name, created_at) VALUES ('first', '2024-01-01T00:00:00Z'), ('Default', '2024-02-01T00:00:00Z')`);
    await before.destroy();
    const after = await open(schema, [...BEFORE, ExperimentLifecycle1732800001000]);
    expect(await after.query(`SELECT experiment_id::text AS id, name FROM "${schema}".experiments ORDER BY experiment_id`)).toEqual([
      { id: '0', name: 'Default' },
      { id: '1', name: 'first' },
    ]);
  });
});

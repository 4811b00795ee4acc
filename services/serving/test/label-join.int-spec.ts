import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { openDataSource, schemaOf } from '@mlops/persistence';
import { testDatabaseUrl, uniqueName } from '@mlops/testing';
import type { ServingConfig } from '../src/config/serving.config';
import { type JoinedLabel, LabelJoin } from '../src/routing/label-join';
import { ServingMetrics } from '../src/serving.metrics';
import { SERVICE } from '../src/service.definition';

/**
 * The label join against real Postgres, two LabelJoin instances standing for two replicas that
 * share the table: each row of a prediction is scored once, whatever arrives late or twice.
 */
describe('label join (real Postgres)', () => {
  let dataSource: DataSource;
  const joined: JoinedLabel[] = [];
  const replica = () => {
    const join = new LabelJoin(dataSource, { labelMemory: 10_000, labelJoinSeconds: 600 } as ServingConfig, new ServingMetrics(new PlatformMetrics('serving')), new JsonLogger('serving-test', 'error'));
    join.handle((rows) => joined.push(...rows));
    return join;
  };

  beforeAll(async () => {
    dataSource = await openDataSource({ url: testDatabaseUrl(), schema: uniqueName('label_join'), entities: [], migrations: SERVICE.migrations ?? [] });
  });
  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schemaOf(dataSource)}" CASCADE`);
    await dataSource.destroy();
  });
  beforeEach(() => joined.splice(0));

  it('scores a row once when the mirrored candidate answers after the label and the label is redelivered', async () => {
    const [a, b] = [replica(), replica()];
    const deployment = randomUUID();
    a.remember('req-1', 0, deployment, 'classification', 'stable', 1);
    await a.flush();
    b.label('req-1', 0, 1); // the label reaches the other replica
    await b.flush();
    expect(joined).toEqual([{ deploymentId: deployment, task: 'classification', stable: 1, label: 1 }]);
    // The mirror's answer comes after the label was joined, then the label a second time.
    a.remember('req-1', 0, deployment, 'classification', 'candidate', 0);
    await a.flush();
    b.label('req-1', 0, 1);
    await b.flush();
    a.label('req-1', 0, 1);
    await a.flush();
    expect(joined).toHaveLength(1);
  });

  it('joins a label that came first when its prediction arrives, on either replica, once', async () => {
    const [a, b] = [replica(), replica()];
    const deployment = randomUUID();
    b.label('req-2', 0, 0);
    b.label('req-2', 1, 1);
    await b.flush();
    expect(joined).toHaveLength(0);
    a.remember('req-2', 0, deployment, 'classification', 'stable', 0);
    a.remember('req-2', 1, deployment, 'classification', 'stable', 0);
    a.remember('req-2', 1, deployment, 'classification', 'candidate', 1);
    await Promise.all([a.flush(), b.flush()]);
    expect(joined.map((j) => j.label).sort()).toEqual([0, 1]);
    expect(joined.find((j) => j.label === 1)).toEqual({ deploymentId: deployment, task: 'classification', stable: 0, candidate: 1, label: 1 });
  });

  it('forgets scored rows once nothing more of theirs can arrive', async () => {
    const join = replica();
    join.remember('req-3', 0, randomUUID(), 'classification', 'stable', 1);
    join.label('req-3', 0, 1);
    await join.flush();
    expect(joined).toHaveLength(1);
    const s = schemaOf(dataSource);
    expect((await dataSource.query(`SELECT scored FROM "${s}".label_join WHERE request_id = 'req-3'`))).toEqual([{ scored: true }]);
    await dataSource.query(`UPDATE "${s}".label_join SET touched_at = now() - interval '1 hour' WHERE request_id = 'req-3'`);
    await join.expire();
    expect(await dataSource.query(`SELECT 1 FROM "${s}".label_join WHERE request_id = 'req-3'`)).toEqual([]);
  });
});

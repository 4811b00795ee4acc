import { Client as SqlClient } from 'pg';
import { type RunningService, grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';

const INVALID_ARGUMENT = 3;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Paged lists of the training service (runs, experiments, jobs) over gRPC, against the real database. */
describe('paging', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  let sql: SqlClient;

  beforeAll(async () => {
    // No worker: submitted jobs stay queued, which is all the job list needs.
    service = await startPlatformService('training', { env: { TRAINING_WORKER_ENABLED: 'false' } });
    api = grpcClient(service.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
    sql = new SqlClient({ connectionString: testDatabaseUrl() });
    await sql.connect();
  });
  afterAll(async () => {
    api?.close();
    await sql?.end();
    await service?.stop();
  });

  /** Every page of a list, following next_page_token; the pages' sizes and items. */
  async function allPages<T>(call: (pageToken: string) => Promise<{ items: T[]; next: string }>): Promise<{ sizes: number[]; items: T[] }> {
    const sizes: number[] = [];
    const items: T[] = [];
    let token = '';
    do {
      const page = await call(token);
      sizes.push(page.items.length);
      items.push(...page.items);
      token = page.next;
    } while (token && sizes.length < 50);
    return { sizes, items };
  }

  it('pages through 250 runs, each exactly once, in the order of the search', async () => {
    const experiment = uniqueName('paging');
    const runs: { runId: string; runName: string; startTimeMs: number }[] = [];
    for (let chunk = 0; chunk < 250; chunk += 25) {
      runs.push(...(await Promise.all(Array.from({ length: 25 }, (_, i) => api.CreateRun({ experiment, runName: `r${String(chunk + i).padStart(3, '0')}` })))));
    }
    type Found = { runId: string; runName: string };
    const search = (request: object) => (pageToken: string) =>
      api.SearchRuns({ experiments: [experiment], maxResults: 100, pageToken, ...request }).then((r) => ({ items: r.runs as Found[], next: r.nextPageToken as string }));

    // The default order: newest first, then by run id.
    const newest = [...runs].sort((a, b) => b.startTimeMs - a.startTimeMs || cmp(a.runId, b.runId)).map((r) => r.runId);
    const byDefault = await allPages(search({}));
    expect(byDefault.sizes).toEqual([100, 100, 50]);
    expect(byDefault.items.map((r) => r.runId)).toEqual(newest);

    const byName = await allPages(search({ filter: `attributes.run_name LIKE 'r%'`, orderBy: ['attributes.run_name ASC'] }));
    expect(byName.sizes).toEqual([100, 100, 50]);
    expect(byName.items.map((r) => r.runName)).toEqual(runs.map((r) => r.runName).sort());

    // A token works only for its own search; one the service never gave is refused too.
    const first = await api.SearchRuns({ experiments: [experiment], maxResults: 100, orderBy: ['attributes.run_name ASC'] });
    await expect(api.SearchRuns({ experiments: [experiment], orderBy: ['attributes.run_name DESC'], pageToken: first.nextPageToken })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: expect.stringContaining('belongs to another search'),
    });
    await expect(api.SearchRuns({ experiments: [experiment], pageToken: 'not-a-token' })).rejects.toMatchObject({
      code: INVALID_ARGUMENT,
      details: 'page_token "not-a-token" is not one this service gave',
    });
    // More than 1000 is cut to 1000, as before paging: all 250 in one page.
    const all = await api.SearchRuns({ experiments: [experiment], maxResults: 5000 });
    expect([all.runs.length, all.nextPageToken]).toEqual([250, '']);
  });

  it('lists experiments by name, newest first then by experiment id, page by page', async () => {
    const marker = uniqueName('list');
    for (const i of [0, 1, 2, 3, 4]) await api.CreateExperiment({ name: `${marker}_e${i}` });
    await api.CreateExperiment({ name: uniqueName('other') });
    for (let i = 0; i < 2; i++) await api.CreateRun({ experiment: `${marker}_e2` });
    // Three created in the same microsecond, long ago: their order is by experiment id (as MLflow's), across a page break.
    const ties: { name: string }[] = (
      await sql.query(
        `INSERT INTO "${service.schema}".experiments (name, created_at) SELECT $1 || s, '2001-02-03 04:05:06.789123+00' FROM unnest(ARRAY['_tie_c', '_tie_a', '_tie_b']) s RETURNING name, experiment_id`,
        [marker],
      )
    ).rows.sort((a, b) => Number(a.experiment_id) - Number(b.experiment_id));
    const list = (request: object) => (pageToken: string) =>
      api.ListExperiments({ pageToken, ...request }).then((r) => ({ items: r.experiments as { name: string; runCount: number }[], next: r.nextPageToken as string }));

    const paged = await allPages(list({ nameContains: marker.toUpperCase(), maxResults: 2 }));
    expect(paged.sizes).toEqual([2, 2, 2, 2]);
    expect(paged.items.map((e) => e.name)).toEqual([...['_e4', '_e3', '_e2', '_e1', '_e0'].map((e) => marker + e), ...ties.map((t) => t.name)]);
    expect(paged.items.map((e) => e.runCount)).toEqual([0, 0, 2, 0, 0, 0, 0, 0]);

    const whole = await api.ListExperiments({ nameContains: `${marker}_E` });
    expect([whole.experiments.length, whole.nextPageToken]).toEqual([5, '']);
    expect(await api.ListExperiments({ nameContains: uniqueName('none') })).toEqual({ experiments: [], nextPageToken: '' });
    await expect(api.ListExperiments({ maxResults: 1001 })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: 'max_results must be 0 (for 100) to 1000, got 1001' });
    await expect(api.ListExperiments({ pageToken: 'eyJ0IjoiMSJ9' })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('is not one this service gave') });
  });

  it('lists training jobs newest first, page by page', async () => {
    const model = uniqueName('paged-model').replace(/_/g, '-');
    const submit = (i: number, modelName = model) =>
      api.SubmitTrainingJob({ idempotencyKey: `${model}-${i}`, modelName, featureView: 'fv', algorithm: 'ALGORITHM_LOGISTIC_REGRESSION' });
    const submitted: string[] = [];
    for (const i of [0, 1, 2, 3, 4]) submitted.push((await submit(i)).jobId);
    await submit(5, `${model}-other`);
    const list = (pageToken: string) => api.ListTrainingJobs({ modelName: model, limit: 2, pageToken }).then((r) => ({ items: r.jobs as { jobId: string }[], next: r.nextPageToken as string }));

    const paged = await allPages(list);
    expect(paged.sizes).toEqual([2, 2, 1]);
    expect(paged.items.map((j) => j.jobId)).toEqual([...submitted].reverse());

    // Submitted in the same microsecond: newest first can only go by job id.
    await sql.query(`UPDATE "${service.schema}".jobs SET created_at = '2001-02-03 04:05:06.789123+00' WHERE spec->>'modelName' = $1`, [model]);
    expect((await allPages(list)).items.map((j) => j.jobId)).toEqual([...submitted].sort().reverse());
    await expect(api.ListTrainingJobs({ pageToken: 'bm90IGEgdG9rZW4' })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
  });
});

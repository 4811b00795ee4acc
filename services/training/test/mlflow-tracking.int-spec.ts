import { type RunningService, asPrincipal, grpcClient, startPlatformService, uniqueName } from '@mlops/testing';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

type Experiment = { experimentId: string; name: string; lifecycleStage: string; createdAtMs: number; lastUpdateTimeMs: number; runCount: number; tags: Record<string, string> };
type Run = { runId: string; runName: string; experimentId: string; experiment: string; lifecycleStage: string; userId: string; status: string; startTimeMs: number; endTimeMs: number; tags: Record<string, string> };

/** What MLflow's tracking REST API needs of the training service, over gRPC against the real database. */
describe('MLflow-compatible tracking', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;

  beforeAll(async () => {
    service = await startPlatformService('training', { env: { TRAINING_WORKER_ENABLED: 'false' } });
    api = grpcClient(service.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
  });

  const names = (runs: Run[]) => runs.map((r) => r.runName).sort();

  it('gives experiments stable ids, renames them, tags them, and deletes and restores them with their runs', async () => {
    expect(await api.GetExperiment({ experimentId: '0' })).toMatchObject({ experimentId: '0', name: 'Default', lifecycleStage: 'active' });
    const name = uniqueName('mlflow');
    const created: Experiment = await api.CreateExperiment({ name, tags: { team: 'risk' } });
    expect(created).toMatchObject({ name, lifecycleStage: 'active', runCount: 0, tags: { team: 'risk' } });
    expect(created.experimentId).toMatch(/^[1-9]\d*$/);
    expect(created.lastUpdateTimeMs).toBe(created.createdAtMs);
    const id = created.experimentId;
    expect(await api.GetExperiment({ experimentId: id })).toEqual(created);

    const renamed: Experiment = await api.UpdateExperiment({ experimentId: id, newName: `${name}_v2` });
    expect([renamed.experimentId, renamed.name]).toEqual([id, `${name}_v2`]);
    expect(renamed.lastUpdateTimeMs).toBeGreaterThanOrEqual(created.lastUpdateTimeMs);
    await expect(api.GetExperiment({ name })).rejects.toMatchObject({ code: NOT_FOUND });
    const other: Experiment = await api.CreateExperiment({ name });
    await expect(api.UpdateExperiment({ experimentId: other.experimentId, newName: `${name}_v2` })).rejects.toMatchObject({ code: ALREADY_EXISTS, details: `experiment "${name}_v2" already exists` });
    expect((await api.SetExperimentTag({ experimentId: id, key: 'stage', value: 'dev' })).tags).toEqual({ team: 'risk', stage: 'dev' });

    const run: Run = await api.CreateRun({ experimentId: id, runName: 'a' });
    const alreadyDeleted: Run = await api.CreateRun({ experimentId: id, runName: 'b' });
    await api.DeleteRun({ runId: alreadyDeleted.runId });
    const deleted: Experiment = await api.DeleteExperiment({ experimentId: id });
    expect([deleted.lifecycleStage, deleted.runCount]).toEqual(['deleted', 0]);
    expect((await api.GetRun({ runId: run.runId })).lifecycleStage).toBe('deleted');
    // A deleted experiment keeps its name, takes no runs, no data, no changes.
    await expect(api.CreateExperiment({ name: `${name}_v2` })).rejects.toMatchObject({ code: ALREADY_EXISTS, details: expect.stringContaining('deleted: restore it') });
    await expect(api.LogBatch({ runId: run.runId, metrics: [{ key: 'x', value: 1, step: 0 }] })).rejects.toMatchObject({ code: FAILED_PRECONDITION, details: expect.stringContaining('which is deleted') });
    await expect(api.CreateRun({ experimentId: id })).rejects.toMatchObject({ code: FAILED_PRECONDITION });
    await expect(api.CreateRun({ experiment: `${name}_v2` })).rejects.toMatchObject({ code: FAILED_PRECONDITION });
    await expect(api.UpdateExperiment({ experimentId: id, newName: uniqueName('x') })).rejects.toMatchObject({ code: FAILED_PRECONDITION });
    await expect(api.RestoreRun({ runId: run.runId })).rejects.toMatchObject({ code: FAILED_PRECONDITION, details: expect.stringContaining('restore the experiment') });
    expect((await api.DeleteExperiment({ experimentId: id })).lifecycleStage).toBe('deleted');

    // Restoring restores every run of it, as MLflow does.
    expect(await api.RestoreExperiment({ experimentId: id })).toMatchObject({ lifecycleStage: 'active', runCount: 2 });
    expect((await api.GetRun({ runId: alreadyDeleted.runId })).lifecycleStage).toBe('active');
    expect(await api.LogBatch({ runId: run.runId, metrics: [{ key: 'x', value: 1, step: 0 }] })).toEqual({ metricsLogged: 1 });

    await expect(api.GetExperiment({ experimentId: '999999999' })).rejects.toMatchObject({ code: NOT_FOUND, details: 'experiment 999999999 does not exist' });
    await expect(api.DeleteExperiment({ experimentId: 'abc' })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: 'experiment id "abc" is not a decimal number' });
    await expect(api.GetExperiment({ experimentId: id, name })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    await expect(api.SetExperimentTag({ experimentId: id, key: 'bad;key', value: 'v' })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
  });

  it('lists experiments by view type, MLflow filter and order, page by page', async () => {
    const marker = uniqueName('search_exp');
    const made: Experiment[] = [];
    for (const suffix of ['b', 'a', 'c', 'd']) made.push(await api.CreateExperiment({ name: `${marker}_${suffix}`, tags: { 'cost center': suffix === 'a' ? 'Ops-1' : 'ml' } }));
    await api.DeleteExperiment({ experimentId: made[3].experimentId });
    const list = async (request: object): Promise<string[]> => (await api.ListExperiments({ filter: `name LIKE '${marker}%'`, ...request })).experiments.map((e: Experiment) => e.name.slice(marker.length));

    expect(await list({})).toEqual(['_c', '_a', '_b']);
    expect(await list({ viewType: 'VIEW_TYPE_DELETED_ONLY' })).toEqual(['_d']);
    expect(await list({ viewType: 'VIEW_TYPE_ALL', orderBy: ['name ASC'] })).toEqual(['_a', '_b', '_c', '_d']);
    expect(await list({ orderBy: ['experiment_id'] })).toEqual(['_b', '_a', '_c']);
    expect(await list({ filter: `name ILIKE '${marker.toUpperCase()}%' and tags.\`cost center\` LIKE 'Ops%'` })).toEqual(['_a']);
    expect(await list({ filter: `attribute.name = '${marker}_b' and creation_time >= ${made[0].createdAtMs} and last_update_time > 0` })).toEqual(['_b']);
    expect(await list({ filter: `name LIKE '${marker}%' and creation_time < ${made[0].createdAtMs}` })).toEqual([]);

    // Pages in the order asked; a token is for that order only.
    const pages: string[][] = [];
    let pageToken = '';
    do {
      const page = await api.ListExperiments({ filter: `name LIKE '${marker}%'`, viewType: 'VIEW_TYPE_ALL', orderBy: ['name DESC'], maxResults: 3, pageToken });
      pages.push(page.experiments.map((e: Experiment) => e.name.slice(marker.length)));
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages).toEqual([['_d', '_c', '_b'], ['_a']]);
    const first = await api.ListExperiments({ filter: `name LIKE '${marker}%'`, maxResults: 1 });
    await expect(api.ListExperiments({ orderBy: ['name'], pageToken: first.nextPageToken })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('another order') });

    await expect(api.ListExperiments({ filter: 'name = 1' })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: 'name must be compared with a quoted string' });
    await expect(api.ListExperiments({ filter: `name = 'a' or name = 'b'` })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('expected AND between clauses') });
    await expect(api.ListExperiments({ orderBy: ['run_count'] })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
  });

  it('creates runs by experiment id or in "Default", as the caller, at the time given; updates, renames and deletes them', async () => {
    const experiment: Experiment = await api.CreateExperiment({ name: uniqueName('runs') });
    const started = Date.now() - 60_000;
    const run: Run = await api.CreateRun({ experimentId: experiment.experimentId, runName: 'first', startTimeMs: started }, asPrincipal('ana@example.com', ['engineer']));
    expect(run).toMatchObject({ experimentId: experiment.experimentId, experiment: experiment.name, userId: 'ana@example.com', startTimeMs: started, lifecycleStage: 'active', status: 'RUN_STATUS_RUNNING' });
    const byDefault: Run = await api.CreateRun({ runName: 'nowhere' });
    expect(byDefault).toMatchObject({ experimentId: '0', experiment: 'Default', userId: 'test-admin' });
    await expect(api.CreateRun({ experimentId: '987654321' })).rejects.toMatchObject({ code: NOT_FOUND, details: 'experiment 987654321 does not exist' });
    await expect(api.CreateRun({ experimentId: experiment.experimentId, experiment: experiment.name })).rejects.toMatchObject({ code: INVALID_ARGUMENT });

    await api.LogBatch({ runId: run.runId, params: { lr: '0.1' }, tags: { keep: 'y', drop: 'n' }, metrics: [{ key: 'loss', value: 0.5, step: 3, timestampMs: started + 5 }] });
    expect((await api.GetRun({ runId: run.runId })).latestMetrics).toEqual([{ key: 'loss', value: 0.5, step: 3, timestampMs: started + 5 }]);
    // MLflow's param rule: the same value again is fine, another value names key, old and new value.
    await api.LogBatch({ runId: run.runId, params: { lr: '0.1' } });
    await expect(api.LogBatch({ runId: run.runId, params: { lr: '0.2' } })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: 'param "lr" was logged as "0.1" and cannot change to "0.2" (params are immutable)' });

    expect((await api.DeleteTag({ runId: run.runId, key: 'drop' })).tags).toEqual({ keep: 'y' });
    await expect(api.DeleteTag({ runId: run.runId, key: 'drop' })).rejects.toMatchObject({ code: NOT_FOUND, details: `run ${run.runId} has no tag "drop"` });

    const renamed: Run = await api.UpdateRun({ runId: run.runId, runName: 'renamed' });
    expect([renamed.runName, renamed.status, renamed.endTimeMs]).toEqual(['renamed', 'RUN_STATUS_RUNNING', 0]);
    await expect(api.UpdateRun({ runId: run.runId, endTimeMs: started + 10 })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    const ended: Run = await api.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_FINISHED', endTimeMs: started + 1000 });
    expect([ended.status, ended.endTimeMs, ended.runName]).toEqual(['RUN_STATUS_FINISHED', started + 1000, 'renamed']);
    expect((await api.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_RUNNING' })).endTimeMs).toBe(0);

    expect((await api.DeleteRun({ runId: run.runId })).lifecycleStage).toBe('deleted');
    await expect(api.LogBatch({ runId: run.runId, tags: { a: 'b' } })).rejects.toMatchObject({ code: FAILED_PRECONDITION, details: `run ${run.runId} is deleted: restore it first` });
    await expect(api.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_KILLED' })).rejects.toMatchObject({ code: FAILED_PRECONDITION });
    expect((await api.GetExperiment({ experimentId: experiment.experimentId })).runCount).toBe(0);
    expect((await api.RestoreRun({ runId: run.runId })).lifecycleStage).toBe('active');
    await expect(api.DeleteRun({ runId: 'not-a-run' })).rejects.toMatchObject({ code: NOT_FOUND });
  });

  it("searches runs by experiment ids, view type and MLflow's whole filter grammar", async () => {
    const [one, two]: Experiment[] = [await api.CreateExperiment({ name: uniqueName('s1') }), await api.CreateExperiment({ name: uniqueName('s2') })];
    const make = async (experimentId: string, runName: string, principal: string, accuracy: number, tags: Record<string, string>) => {
      const run: Run = await api.CreateRun({ experimentId, runName, tags }, asPrincipal(principal, ['engineer']));
      await api.LogBatch({ runId: run.runId, params: { 'learning rate': String(accuracy / 10) }, metrics: [{ key: 'val accuracy', value: accuracy, step: 0 }] });
      return run;
    };
    const r1 = await make(one.experimentId, 'Baseline', 'ana', 0.8, { 'mlflow.runName': 'Baseline' });
    const r2 = await make(one.experimentId, 'tuned', 'bo', 0.9, { team: 'risk' });
    const r3 = await make(two.experimentId, 'other', 'ana', 0.7, { team: 'growth' });
    await api.UpdateRun({ runId: r2.runId, status: 'RUN_STATUS_FINISHED' });
    const gone = await make(two.experimentId, 'gone', 'ana', 0.95, {});
    await api.DeleteRun({ runId: gone.runId });
    const ids = [one.experimentId, two.experimentId];
    const search = async (request: object): Promise<Run[]> => (await api.SearchRuns({ experimentIds: ids, ...request })).runs;

    expect(names(await search({}))).toEqual(['Baseline', 'other', 'tuned']);
    expect(names(await search({ runViewType: 'VIEW_TYPE_DELETED_ONLY' }))).toEqual(['gone']);
    expect(names(await search({ runViewType: 'VIEW_TYPE_ALL' }))).toEqual(['Baseline', 'gone', 'other', 'tuned']);
    expect(names(await search({ experimentIds: [two.experimentId], experiments: [one.name] }))).toEqual(['Baseline', 'other', 'tuned']);
    expect(names(await search({ filter: `attributes.run_id IN ('${r1.runId.toUpperCase()}', '${r3.runId}')` }))).toEqual(['Baseline', 'other']);
    expect(names(await search({ filter: `attributes.run_id NOT IN ('${r1.runId}')` }))).toEqual(['other', 'tuned']);
    expect(names(await search({ filter: `attributes.user_id = 'ana' and run_name ILIKE 'base%'` }))).toEqual(['Baseline']);
    expect(names(await search({ filter: "tags.`mlflow.runName` = 'Baseline'" }))).toEqual(['Baseline']);
    expect(names(await search({ filter: `metric.\`val accuracy\` >= 0.8 and param."learning rate" != '0.08'` }))).toEqual(['tuned']);
    expect(names(await search({ filter: `status = 'FINISHED' and attributes.end_time > 0` }))).toEqual(['tuned']);
    expect(names(await search({ filter: `attributes.status IN ('RUNNING') and start_time <= ${Date.now()}` }))).toEqual(['Baseline', 'other']);
    expect((await search({ orderBy: ['tags.team DESC'] })).map((r) => r.runName)).toEqual(['tuned', 'other', 'Baseline']);
    expect((await search({ orderBy: ['metrics.`val accuracy`'] })).map((r) => r.runName)).toEqual(['other', 'Baseline', 'tuned']);
    expect((await search({ orderBy: ['attributes.user_id DESC', 'attributes.run_name'] })).map((r) => r.runName)).toEqual(['tuned', 'Baseline', 'other']);

    const first = await api.SearchRuns({ experimentIds: ids, maxResults: 1 });
    await expect(api.SearchRuns({ experimentIds: ids, maxResults: 1, runViewType: 'VIEW_TYPE_ALL', pageToken: first.nextPageToken })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    await expect(search({ experimentIds: ['x1'] })).rejects.toMatchObject({ code: INVALID_ARGUMENT });
    await expect(search({ filter: `attributes.start_time > 'yesterday'` })).rejects.toMatchObject({ code: INVALID_ARGUMENT, details: 'attribute "start_time" must be compared with a number' });
  });
});

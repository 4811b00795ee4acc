import { Client } from 'pg';
import { type RunningService, grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';

/** Experiment tracking through the training service's gRPC API, against the real database. */
describe('experiment tracking', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  const reproducibility = { snapshotContentHash: 'a'.repeat(64), seed: 42, codeVersion: 'abc123', packages: { node: '24.21.0' } };

  beforeAll(async () => {
    service = await startPlatformService('training');
    api = grpcClient(service.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
  });

  it('records runs with params, metric series, tags, artifacts and what makes them reproducible', async () => {
    const experiment = uniqueName('exp');
    expect(await api.CreateExperiment({ name: experiment, tags: { team: 'risk' } })).toMatchObject({ name: experiment, runCount: 0, tags: { team: 'risk' } });
    await expect(api.CreateExperiment({ name: experiment })).rejects.toMatchObject({ code: 6 });

    const run = await api.CreateRun({ experiment, runName: 'baseline', tags: { owner: 'ana' }, reproducibility });
    expect(run).toMatchObject({ experiment, runName: 'baseline', status: 'RUN_STATUS_RUNNING', reproducibility });
    const logged = await api.LogBatch({
      runId: run.runId,
      params: { algorithm: 'gbdt', learning_rate: '0.1' },
      tags: { stage: 'search' },
      metrics: [
        { key: 'val_loss', value: 0.9, step: 0 },
        { key: 'val_loss', value: 0.5, step: 1 },
        { key: 'val_loss', value: 0.4, step: 2 },
        { key: 'accuracy', value: 0.88, step: 2 },
      ],
    });
    expect(logged).toEqual({ metricsLogged: 4 });
    // Out of order: a late value of an earlier step does not become the latest.
    await api.LogBatch({ runId: run.runId, metrics: [{ key: 'val_loss', value: 0.7, step: 1 }] });

    const history = await api.GetMetricHistory({ runId: run.runId, key: 'val_loss' });
    expect(history.metrics.map((m: { step: number; value: number }) => [m.step, m.value])).toEqual([[0, 0.9], [1, 0.5], [1, 0.7], [2, 0.4]]);
    expect(history.nextPageToken).toBe('');

    // In pages: by step, timestamp, then the order logged (five values on one step and timestamp
    // page apart cleanly); a token this service never gave and an oversized page are refused.
    await api.LogBatch({ runId: run.runId, metrics: Array.from({ length: 5 }, (_, i) => ({ key: 'tie', value: i, step: 3, timestampMs: 1_790_000_000_000 })) });
    const pages: number[][] = [];
    for (let token = '', first = true; first || token; first = false) {
      const page = await api.GetMetricHistory({ runId: run.runId, key: 'tie', maxResults: 2, pageToken: token });
      pages.push(page.metrics.map((m: { value: number }) => m.value));
      token = page.nextPageToken;
    }
    expect(pages).toEqual([[0, 1], [2, 3], [4]]);
    await expect(api.GetMetricHistory({ runId: run.runId, key: 'tie', pageToken: 'bm90LW91cnM' })).rejects.toMatchObject({ code: 3, details: 'page_token "bm90LW91cnM" is not one this service gave' });
    await expect(api.GetMetricHistory({ runId: run.runId, key: 'tie', maxResults: 25_001 })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('max_results must be between 1 and 25000') });

    // Params are immutable, and a refused batch stores nothing of itself.
    await expect(api.LogBatch({ runId: run.runId, params: { learning_rate: '0.2' }, metrics: [{ key: 'accuracy', value: 0.1, step: 9 }] })).rejects.toMatchObject({
      code: 3,
      details: 'param "learning_rate" was logged as "0.1" and cannot change to "0.2" (params are immutable)',
    });
    await api.LogArtifact({ runId: run.runId, artifact: { path: 'model.onnx', sha256: 'b'.repeat(64), size: 1234 } });
    const finished = await api.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_FINISHED' });
    expect(finished).toMatchObject({
      status: 'RUN_STATUS_FINISHED',
      params: { algorithm: 'gbdt', learning_rate: '0.1' },
      tags: { owner: 'ana', stage: 'search' },
      metrics: { val_loss: 0.4, accuracy: 0.88 },
      artifacts: [{ path: 'model.onnx', sha256: 'b'.repeat(64), size: 1234 }],
    });
    expect(finished.endTimeMs).toBeGreaterThanOrEqual(finished.startTimeMs);
    await expect(api.LogBatch({ runId: run.runId, metrics: [{ key: 'x', value: 1, step: 0 }] })).rejects.toMatchObject({ code: 9 });
    await expect(api.GetRun({ runId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 5 });
    expect((await api.GetExperiment({ name: experiment })).runCount).toBe(1);
  });

  it('finds runs by metrics, params, tags and attributes, in the order asked', async () => {
    const experiment = uniqueName('search');
    const make = async (name: string, algorithm: string, accuracy: number, finish: boolean) => {
      const run = await api.CreateRun({ experiment, runName: name });
      await api.LogBatch({ runId: run.runId, params: { algorithm }, tags: { kind: name.startsWith('t') ? 'trial' : 'final' }, metrics: [{ key: 'accuracy', value: accuracy, step: 0 }] });
      if (finish) await api.UpdateRun({ runId: run.runId, status: 'RUN_STATUS_FINISHED' });
      return run.runId;
    };
    await make('t1', 'gbdt', 0.81, true);
    await make('t2', 'gbdt', 0.93, true);
    await make('t3', 'logistic', 0.95, true);
    await make('t4', 'gbdt', 0.97, false);
    const search = async (filter: string, orderBy: string[] = ['metrics.accuracy DESC']) =>
      (await api.SearchRuns({ experiments: [experiment], filter, orderBy })).runs.map((r: { runName: string }) => r.runName);

    expect(await search(`metrics.accuracy > 0.8 and params.algorithm = 'gbdt'`)).toEqual(['t4', 't2', 't1']);
    expect(await search(`params.algorithm = 'gbdt' and attributes.status = 'FINISHED'`)).toEqual(['t2', 't1']);
    expect(await search(`tags.kind = 'trial' and metrics.accuracy >= 0.95`, ['metrics.accuracy ASC'])).toEqual(['t3', 't4']);
    expect(await search(`attributes.run_name LIKE 't%'`, ['attributes.run_name DESC'])).toEqual(['t4', 't3', 't2', 't1']);
    expect(await search(`params.algorithm = 'svm'`)).toEqual([]);
    await expect(api.SearchRuns({ filter: `metrics.accuracy > 0.8 or 1=1` })).rejects.toMatchObject({ code: 3 });
    await expect(api.SearchRuns({ filter: `params.algorithm = 'x'; DROP TABLE runs` })).rejects.toMatchObject({ code: 3 });
  });

  it('reads one metric of many runs in one call, in the order asked, thinned evenly', async () => {
    const experiment = uniqueName('curves');
    const [short, long, without] = await Promise.all([0, 1, 2].map(() => api.CreateRun({ experiment })));
    const unknown = '00000000-0000-4000-8000-000000000000';
    await api.LogBatch({ runId: short.runId, metrics: [0.9, 0.7, 0.5, 0.4].map((value, step) => ({ key: 'loss', value, step })).concat([{ key: 'accuracy', value: 0.8, step: 3 }]) });
    await api.LogBatch({ runId: long.runId, metrics: Array.from({ length: 1000 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), step })) });
    await api.LogBatch({ runId: without.runId, metrics: [{ key: 'accuracy', value: 0.5, step: 0 }] });
    type History = { runId: string; totalPoints: number; metrics: { key: string; value: number; step: number }[] };
    const histories = async (request: object): Promise<History[]> => (await api.GetMetricHistories({ key: 'loss', ...request })).histories;

    const thinned = await histories({ runIds: [long.runId, unknown, short.runId.toUpperCase(), without.runId], maxPointsPerRun: 50 });
    expect(thinned.map((h) => [h.runId, h.totalPoints, h.metrics.length])).toEqual([
      [long.runId, 1000, 50],
      [unknown, 0, 0],
      [short.runId.toUpperCase(), 4, 4],
      [without.runId, 0, 0],
    ]);
    expect(thinned[2].metrics.map((m) => [m.key, m.step, m.value])).toEqual([['loss', 0, 0.9], ['loss', 1, 0.7], ['loss', 2, 0.5], ['loss', 3, 0.4]]);
    // numpy.round(numpy.linspace(0, 999, 50)) starts so and ends at the last point.
    const steps = thinned[0].metrics.map((m) => m.step);
    expect([steps.slice(0, 5), steps.slice(-3)]).toEqual([[0, 20, 41, 61, 82], [958, 979, 999]]);
    expect(thinned[0].metrics.every((m) => m.value === 1 / (m.step + 1))).toBe(true);
    expect((await histories({ runIds: [long.runId] }))[0].metrics).toHaveLength(200);

    // 1000 runs are allowed; what the unknown ones leave of the 200,000 points goes to the others.
    const many = await histories({ runIds: [long.runId, ...Array.from({ length: 999 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)], maxPointsPerRun: 1000 });
    expect([many.length, many[0].metrics.length, many[999].totalPoints]).toEqual([1000, 1000, 0]);

    const refused = (request: object, details: string) => expect(histories(request)).rejects.toMatchObject({ code: 3, details });
    await refused({ runIds: Array(1001).fill(unknown) }, 'run_ids has 1001 ids; at most 1000');
    await refused({ runIds: [short.runId], key: '' }, 'key (the metric name) is required');
    await refused({ runIds: [short.runId, 'run-7'] }, 'run id "run-7" is not a uuid');
    await refused({ runIds: [short.runId], maxPointsPerRun: 1001 }, 'max_points_per_run must be 0 (for 200) to 1000, got 1001');
  });
  it('writes concurrent metric batches of many runs together, each caller told its own outcome', async () => {
    const experiment = uniqueName('group');
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => api.CreateRun({ experiment, runName: `r${i}` })));
    const finished = runs[3].runId;
    await api.UpdateRun({ runId: finished, status: 'RUN_STATUS_FINISHED' });
    const missing = '00000000-0000-4000-8000-000000000000';
    // 12 runs x 5 steps at once: many batches share a commit; the finished and missing runs are refused alone.
    const outcomes = await Promise.allSettled([
      ...runs.flatMap((run: { runId: string }, i: number) =>
        Array.from({ length: 5 }, (_, step) => api.LogBatch({ runId: run.runId, metrics: [{ key: 'loss', value: i + step / 10, step }, { key: 'acc', value: step, step }] })),
      ),
      api.LogBatch({ runId: missing, metrics: [{ key: 'loss', value: 1, step: 0 }] }),
      api.LogBatch({ runId: 'not-a-run', metrics: [{ key: 'loss', value: 1, step: 0 }] }),
    ]);
    const refused = outcomes.map((o, i) => (o.status === 'rejected' ? [i, (o.reason as { code: number }).code] : undefined)).filter(Boolean);
    expect(refused).toEqual([15, 16, 17, 18, 19].map((i) => [i, 9]).concat([[60, 5], [61, 5]]));
    for (const [i, run] of runs.entries()) {
      const history = await api.GetMetricHistory({ runId: run.runId, key: 'loss' });
      expect(history.metrics.map((m: { step: number; value: number }) => [m.step, m.value])).toEqual(i === 3 ? [] : [0, 1, 2, 3, 4].map((step) => [step, i + step / 10]));
      if (i !== 3) expect((await api.GetRun({ runId: run.runId })).metrics).toEqual({ loss: i + 0.4, acc: 4 });
    }
    // Each call's audit record: a written batch's in the shared transaction that wrote its values
    // (the rows' xmin), a refused one's after the handler with its status.
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      for (const [i, run] of runs.entries()) {
        const { rows } = await db.query(
          `SELECT a.outcome, EXISTS (SELECT 1 FROM "${service.schema}".metrics m WHERE m.run_id = $2 AND m.xmin::text = a.xmin::text) AS with_values
             FROM "${service.schema}".audit_records a WHERE a.action = $1 AND a.request_json LIKE $3`,
          ['/mlops.training.v1.TrainingService/LogBatch', run.runId, `%${run.runId}%`],
        );
        expect(rows).toEqual(Array(5).fill(i === 3 ? { outcome: 'FAILED_PRECONDITION', with_values: false } : { outcome: 'OK', with_values: true }));
      }
    } finally {
      await db.end();
    }
  });
});

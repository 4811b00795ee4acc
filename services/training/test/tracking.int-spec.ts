import { type RunningService, grpcClient, startPlatformService, uniqueName } from '@mlops/testing';

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
});

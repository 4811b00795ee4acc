import { type RunningPlatform, type RunningService, startConsole, startPlatform, testIssuer } from '@mlops/testing';

/**
 * The MLflow-compatible API on the real console and services: MLflow's error shape
 * (`{"error_code", "message"}` under MLflow's HTTP status) whoever refuses: the auth guard, the
 * body parser, this layer's field checks, or the owning service.
 */
describe('MLflow-compatible API: errors in MLflow\'s shape', () => {
  let platform: RunningPlatform;
  let consoleService: RunningService;
  const issuer = testIssuer();

  const call = async (path: string, options: { token?: string | null; method?: string; body?: string; contentType?: string } = {}) => {
    const token = options.token === undefined ? issuer.adminToken : options.token;
    const response = await fetch(`${consoleService.httpUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }) },
      body: options.body,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    platform = await startPlatform();
    consoleService = await startConsole(platform);
  }, 180_000);

  afterAll(async () => {
    await consoleService?.stop();
    await platform?.stop();
  });

  it('refuses a call without a valid token as UNAUTHENTICATED (401)', async () => {
    const response = await call('/api/2.0/mlflow/runs/get?run_id=x', { token: null });
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('UNAUTHENTICATED');
    expect(Object.keys(response.json).sort()).toEqual(['error_code', 'message']);
  });

  it("names a missing field in MLflow's words (400 INVALID_PARAMETER_VALUE)", async () => {
    expect(await call('/api/2.0/mlflow/runs/get')).toEqual({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'run_id'." } });
  });

  it('passes the training service\'s NOT_FOUND on as RESOURCE_DOES_NOT_EXIST (404)', async () => {
    const response = await call('/api/2.0/mlflow/runs/get?run_id=00000000-0000-0000-0000-000000000000');
    expect(response.status).toBe(404);
    expect(response.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(response.json.message).toMatch(/00000000-0000-0000-0000-000000000000/);
  });

  it("refuses a log-batch over MLflow's limits before anything is stored", async () => {
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));
    const response = await call('/api/2.0/mlflow/runs/log-batch', { method: 'POST', body: JSON.stringify({ run_id: 'r1', metrics }) });
    expect(response).toEqual({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.' } });
  });

  it('answers a malformed JSON body with BAD_REQUEST in the same shape', async () => {
    const response = await call('/api/2.0/mlflow/runs/create', { method: 'POST', body: '{"experiment_id": ' });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('BAD_REQUEST');
  });

  it('refuses an artifact path outside a run\'s artifacts, whatever its content type', async () => {
    const response = await call('/api/2.0/mlflow-artifacts/artifacts/1/r1/../../secret', { method: 'PUT', body: '{"a": 1}' });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
  it('tracks an experiment and a run in MLflow\'s JSON shapes, read back field by field', async () => {
    const post = (path: string, body: unknown) => call(`/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body) });
    const name = `mlflow-${Date.now()}`;
    const created = await post('experiments/create', { name, tags: [{ key: 'team', value: 'ml' }] });
    expect(created.status).toBe(200);
    const experimentId = created.json.experiment_id as string;
    expect(experimentId).toMatch(/^\d+$/);
    const byName = await call(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`);
    expect(byName.json.experiment).toEqual({ experiment_id: experimentId, name, artifact_location: `mlflow-artifacts:/${experimentId}`, lifecycle_stage: 'active', last_update_time: expect.any(Number), creation_time: expect.any(Number), tags: [{ key: 'team', value: 'ml' }] });

    const run = (await post('runs/create', { experiment_id: experimentId, run_name: 'first', start_time: '1700000000000' })).json.run as { info: Record<string, unknown> };
    const runId = run.info.run_id as string;
    expect(run.info).toEqual({ run_id: runId, run_uuid: runId, run_name: 'first', experiment_id: experimentId, user_id: 'test-admin', status: 'RUNNING', start_time: 1_700_000_000_000, artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`, lifecycle_stage: 'active' });
    const batch = await post('runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 0.5, timestamp: '1700000000100', step: '1' }, { key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 2 }], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'stage', value: 'dev' }] });
    expect(batch).toEqual({ status: 200, json: {} });
    const changed = await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' });
    expect(changed.status).toBe(400);
    expect(changed.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const read = (await call(`/api/2.0/mlflow/runs/get?run_id=${runId}`)).json.run as { data: Record<string, unknown> };
    expect(read.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 2 }]);
    expect(read.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(read.data.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'dev' }, { key: 'mlflow.runName', value: 'first' }]));
    const history = await call(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
    expect(history.json.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1_700_000_000_100, step: 1 }, { key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 2 }]);
    expect(history.json.next_page_token).toBeUndefined();
    // max_results and page_token, as MLflow's get-history pages.
    const first = await call(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1`);
    expect(first.json.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1_700_000_000_100, step: 1 }]);
    const second = await call(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1&page_token=${first.json.next_page_token}`);
    expect(second.json).toEqual({ metrics: [{ key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 2 }] });
    expect((await call(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=25001`)).json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const ended = await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_001_000 });
    expect(ended.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_001_000 });
    const found = await post('runs/search', { experiment_ids: [experimentId], filter: "params.lr = '0.1' and metrics.loss < 0.3", order_by: ['metrics.loss ASC'] });
    expect((found.json.runs as { info: { run_id: string } }[]).map((r) => r.info.run_id)).toEqual([runId]);
    const none = await post('runs/search', { experiment_ids: [experimentId], filter: 'metrics.loss > 0.3' });
    expect(none.json).toEqual({ runs: [] });
  });
});

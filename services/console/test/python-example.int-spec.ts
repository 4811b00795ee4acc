import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import * as ort from 'onnxruntime-node';
import { Topics } from '@mlops/contracts';
import { type RunningPlatform, type RunningService, grpcClient, readTopicUntil, startConsole, startPlatform, testIssuer, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { PythonProcess, T0, checkPython, customerRecords, runPython, seedCustomers } from './python';

/**
 * examples/python against the real platform: train.py, a data scientist's script on Debian's
 * Python (scikit-learn, onnx, requests), reads a snapshot through the console's rows route,
 * tracks a run and registers an ONNX version through the MLflow-compatible API; then
 * external_trainer.py answers a training.run.requested.v1 on the real broker for that model,
 * which the platform's own trainer leaves alone. Each step prints what it checked.
 */
describe('Python training code against the platform', () => {
  let platform: RunningPlatform;
  let consoleService: RunningService;
  const issuer = testIssuer();
  const checked = (what: string) => process.stdout.write(`checked: ${what}\n`);
  const id = uniqueName('py').replace(/_/g, '-');
  const names = { dataset: `${id}-customers`, view: `${id}-features` };
  const model = `${id}-churn`;
  let registry: ReturnType<typeof grpcClient>;
  let features: ReturnType<typeof grpcClient>;
  let firstSnapshot = '';

  const get = async (path: string, token = issuer.adminToken) => {
    const response = await fetch(`${consoleService.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, json: JSON.parse(text) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const env = () => ({ MLFLOW_TRACKING_URI: consoleService.httpUrl, MLFLOW_TRACKING_TOKEN: issuer.token('dana', ['engineer']), KAFKA_BROKERS: testKafkaBrokers().join(',') });

  beforeAll(async () => {
    checkPython();
    platform = await startPlatform();
    consoleService = await startConsole(platform);
    registry = grpcClient(platform.service('registry').grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    features = grpcClient(platform.service('feature-store').grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
    await seedCustomers({ ingestion: platform.service('ingestion').grpcAddress, featureStore: platform.service('feature-store').grpcAddress }, names, 400);
    firstSnapshot = (await features.CreateSnapshot({ featureView: names.view, cutDatasetVersion: true })).snapshotId;
  }, 180_000);

  afterAll(async () => {
    registry?.close();
    features?.close();
    await consoleService?.stop();
    await platform?.stop();
  });

  it("serves a snapshot's rows in bounded pages that add up to the feature store's stream", async () => {
    const expected = (await features.ReadSnapshot({ snapshotId: firstSnapshot })) as { entityKey: string; values: { numberValue?: number }[]; label: { numberValue?: number } }[];
    const rows: { entityKey: string; values: number[]; label: number }[] = [];
    const offsets: (number | null)[] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = await get(`/api/snapshots/${firstSnapshot}/rows?offset=${offset}&limit=150`, issuer.token('rita', ['reader']));
      expect(page.status).toBe(200);
      expect(page.json).toMatchObject({ snapshotId: firstSnapshot, featureNames: ['x1', 'x2', 'x1_x2'], rowCount: 400, offset });
      rows.push(...page.json.rows);
      offset = page.json.nextOffset;
      offsets.push(offset);
    }
    expect(offsets).toEqual([150, 300, null]);
    expect(rows.map((r) => r.entityKey)).toEqual(expected.map((r) => r.entityKey));
    expect(rows[7].values).toEqual(expected[7].values.map((v) => v.numberValue ?? null));
    expect(rows.map((r) => r.label)).toEqual(expected.map((r) => r.label.numberValue));
    checked('GET /api/snapshots/:id/rows: 3 pages of at most 150 rows, nextOffset 150, 300, null; the 400 rows equal ReadSnapshot in order, values and labels');

    expect((await get(`/api/snapshots/${firstSnapshot}/rows?limit=10001`)).json.message).toBe('limit must be a whole number from 1 to 10000, got "10001"');
    expect((await get(`/api/snapshots/${firstSnapshot}/rows?offset=401`)).json.message).toBe('offset 401 is past the end of the snapshot (400 rows)');
    expect((await get(`/api/snapshots/${'0'.repeat(32)}/rows`)).status).toBe(404);
    const refused = await fetch(`${consoleService.httpUrl}/api/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${issuer.token('vera', ['viewer'])}`, 'content-type': 'application/json' }, body: JSON.stringify({ featureView: names.view }) });
    expect(refused.status).toBe(403);
    // A viewer token (a dashboard's) sees the snapshot's description but not its rows.
    const viewerRows = await get(`/api/snapshots/${firstSnapshot}/rows?limit=10`, issuer.token('vera', ['viewer']));
    expect(viewerRows.status).toBe(403);
    expect(viewerRows.json.message).toMatch(/needs the reader role/);
    checked('limit over 10000 and offset past the end are refused by name; an unknown snapshot is 404; a viewer may not build a snapshot (POST /api/snapshots: 403 from the feature store)');
  });

  it('train.py trains on the snapshot, tracks the run and registers a READY ONNX version with its lineage', async () => {
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'train-py-')), 'summary.json');
    const result = await runPython('train.py', ['--model', model, '--snapshot', firstSnapshot, '--epochs', '6', '--iterations-per-epoch', '1', '--C', '10', '--summary-json', summaryFile], env());
    process.stdout.write(result.output);
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ model, version: 1, status: 'READY', snapshot_id: firstSnapshot, feature_names: ['x1', 'x2', 'x1_x2'], classes: [0, 1] });

    const registered = (await get(`/api/2.0/mlflow/registered-models/get?name=${model}`)).json.registered_model;
    expect(registered.tags).toEqual(expect.arrayContaining([{ key: 'mlops.trainer', value: 'external' }, { key: 'mlops.feature_view', value: names.view }]));
    expect(registered.latest_versions[0]).toMatchObject({ version: '1', status: 'READY', run_id: summary.run_id });
    const run = (await get(`/api/2.0/mlflow/runs/get?run_id=${summary.run_id}`)).json.run;
    expect(run.info).toMatchObject({ status: 'FINISHED', user_id: 'dana' });
    expect(run.data.params).toEqual(expect.arrayContaining([{ key: 'C', value: '10.0' }, { key: 'epochs', value: '6' }, { key: 'snapshot_id', value: firstSnapshot }]));
    const accuracy = run.data.metrics.find((m: { key: string }) => m.key === 'accuracy');
    expect(accuracy.value).toBeGreaterThan(0.8);
    expect(accuracy.value).toBeCloseTo(summary.metrics.accuracy, 10);
    const history = (await get(`/api/2.0/mlflow/metrics/get-history?run_id=${summary.run_id}&metric_key=train_loss`)).json.metrics as { step: number; value: number }[];
    expect(history.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history[5].value).toBeLessThan(history[0].value);
    checked(`run ${summary.run_id} FINISHED as dana with params C, epochs, snapshot_id; accuracy ${accuracy.value.toFixed(3)} > 0.8; train_loss at steps 1..6 (one lbfgs iteration an epoch), falling`);

    const version = await registry.GetModelVersion({ modelName: model, version: 1 });
    const snapshot = await features.GetSnapshot({ snapshotId: firstSnapshot });
    expect(version).toMatchObject({ status: 'VERSION_STATUS_READY', metrics: { accuracy: accuracy.value } });
    expect(version.lineage).toMatchObject({ runId: summary.run_id, snapshotId: firstSnapshot, featureView: names.view, dataset: names.dataset, datasetVersion: snapshot.datasetVersion, datasetContentHash: snapshot.datasetContentHash, source: 'training' });
    expect(version.signature.featureNames).toEqual(['x1', 'x2', 'x1_x2']);
    expect(version.signature.inputs).toEqual([expect.objectContaining({ name: 'input', datatype: 'FP32', shape: [-1, 3] })]);
    expect(version.signature.outputs.map((o: { name: string; datatype: string }) => `${o.name}:${o.datatype}`)).toEqual(['label:INT64', 'probabilities:FP32']);
    checked(`version 1 READY in the registry: lineage run ${summary.run_id}, snapshot ${firstSnapshot}, ${names.dataset} v${snapshot.datasetVersion}; signature input [N, 3] FP32, outputs label INT64 and probabilities FP32; metrics from the run`);

    const artifact = await fetch(`${consoleService.httpUrl}/api/2.0/mlflow-artifacts/artifacts/${summary.experiment_id}/${summary.run_id}/artifacts/model.onnx`, { headers: { authorization: `Bearer ${issuer.adminToken}` } });
    const session = await ort.InferenceSession.create(new Uint8Array(await artifact.arrayBuffer()));
    const sample = summary.sample as { features: number[][]; probabilities: number[][] };
    const scored = await session.run({ input: new ort.Tensor('float32', Float32Array.from(sample.features.flat()), [sample.features.length, 3]) });
    const probabilities = Array.from(scored.probabilities.data as Float32Array);
    const diff = Math.max(...sample.probabilities.flat().map((p, i) => Math.abs(p - probabilities[i])));
    expect(diff).toBeLessThan(1e-5);
    expect(Array.from(scored.label.data as BigInt64Array).map(Number)).toEqual(sample.probabilities.map((p) => (p[1] > p[0] ? 1 : 0)));
    checked(`model.onnx scored by onnxruntime matches scikit-learn's predict_proba on ${sample.features.length} validation rows (max diff ${diff.toExponential(1)}) and its labels`);

    const missing = await runPython('train.py', ['--model', model, '--snapshot', 'f'.repeat(32)], env());
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(new RegExp(`train.py: failed: GET /api/snapshots/f{32} -> 404 NOT_FOUND: .*f{32}`));
    checked('train.py on an unknown snapshot exits 1 with one line naming the snapshot and NOT_FOUND');
  }, 180_000);

  it('external_trainer.py answers a training.run.requested.v1 for its model, and the saga closes on the correlation id', async () => {
    const ingestion = grpcClient(platform.service('ingestion').grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    await ingestion.IngestRecords({ dataset: names.dataset, records: customerRecords(400, 600) });
    ingestion.close();
    const trainer = new PythonProcess('external_trainer.py', ['--model', model, '--group', `${id}-trainer`, '--max-requests', '1', '--timeout-s', '150', '--epochs', '4'], env());
    try {
      await trainer.waitForOutput(/listening on training\.run\.requested\.v1/, 60_000);
      const request = { requestId: `${id}-drift-1`, modelName: model, trigger: 'drift', snapshotId: '', fromTimeMs: T0, toTimeMs: T0 + 600 * 60_000, alertId: `${id}-alert` };
      const correlationId = `${id}-saga`;
      const producer = new Kafka({ brokers: testKafkaBrokers(), clientId: id, logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      const message = (payload: typeof request, eventId: string, correlation = correlationId) => ({
        key: payload.modelName,
        value: Buffer.from(Topics.trainingRunRequested.codec.encode(Topics.trainingRunRequested.codec.fromPartial(payload)).finish()),
        headers: { 'event-id': eventId, 'x-correlation-id': correlation, 'content-type': 'application/x-protobuf; type=mlops.events.v1.TrainingRunRequested' },
      });
      // One for a model it does not own first: it must leave that one alone and answer ours.
      await producer.send({ topic: Topics.trainingRunRequested.name, messages: [message({ ...request, requestId: `${id}-other`, modelName: `${id}-other` }, `${id}-e0`, `${id}-other-saga`), message(request, `${id}-e1`)] });
      await producer.disconnect();

      expect(await trainer.exited).toBe(0);
      process.stdout.write(trainer.output);
      expect(trainer.output).toMatch(new RegExp(`answered request ${request.requestId} \\(drift, correlation ${correlationId}\\): ${model} version 2 READY`));
      expect(trainer.output).not.toContain(`${id}-other`);
      expect(trainer.output).toContain('answered 1 request(s), 0 failed');

      const version = await registry.GetModelVersion({ modelName: model, version: 2 });
      expect(version.status).toBe('VERSION_STATUS_READY');
      expect(version.tags).toMatchObject({ 'mlops.request_id': request.requestId, 'mlops.correlation_id': correlationId, 'mlops.trigger': 'drift', 'mlops.alert_id': request.alertId });
      const snapshot = await features.GetSnapshot({ snapshotId: version.lineage.snapshotId });
      expect(snapshot).toMatchObject({ featureView: names.view, rowCount: 600, datasetVersion: 2 });
      expect(version.lineage).toMatchObject({ source: 'training', dataset: names.dataset, datasetVersion: 2, runId: expect.stringMatching(/.+/) });
      checked(`version 2 READY, tagged with request ${request.requestId}, correlation ${correlationId}, trigger drift and the alert id; trained on a new snapshot of ${names.view}: 600 rows of dataset version 2 over the request's time range`);

      let header = '';
      await readTopicUntil(testKafkaBrokers(), Topics.modelVersionRegistered.name, (batch) => {
        const ours = batch.find((m) => { const e = Topics.modelVersionRegistered.codec.decode(m.value!); return e.modelName === model && e.version === 2; });
        header = ours?.headers?.['x-correlation-id']?.toString() ?? header;
        return Boolean(ours);
      }, { timeoutMs: 30_000 });
      expect(header).toBe(correlationId);
      const monitoring = grpcClient(platform.service('monitoring').grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
      const steps = await waitFor(async () => {
        const timeline = await monitoring.GetTimeline({ correlationId }).catch(() => undefined);
        const kinds: string[] = timeline?.steps.map((s: { kind: string }) => s.kind) ?? [];
        return kinds.includes('training.requested') && kinds.includes('version.registered') && kinds;
      }, { timeoutMs: 30_000, what: `the timeline of ${correlationId}` }).finally(() => monitoring.close());
      checked(`registry.model-version.registered.v1 for version 2 carries x-correlation-id ${correlationId}; monitoring's timeline of it: ${steps.join(' -> ')}`);

      // The versions deploy by the model's policy like a built-in trainer's: the first all at
      // once (nothing in production yet), the retrained one as a canary beside it, in the saga.
      const deployments = grpcClient(platform.service('serving').grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService');
      try {
        const rollouts = await waitFor(async () => {
          const { deployments: list } = await deployments.ListDeployments({ modelName: model });
          const first = list.find((d: { candidateVersion: number; state: string }) => d.candidateVersion === 1 && d.state === 'DEPLOYMENT_STATE_PROMOTED');
          const canary = list.find((d: { candidateVersion: number }) => d.candidateVersion === 2);
          return first && canary && { first, canary };
        }, { timeoutMs: 60_000, what: `the deployments of ${model} versions 1 and 2` });
        expect(rollouts.first).toMatchObject({ strategy: 'STRATEGY_BASIC', stableVersion: 0, startedBy: 'registry' });
        expect(rollouts.canary).toMatchObject({ strategy: 'STRATEGY_CANARY', stableVersion: 1, candidateVersion: 2, startedBy: 'registry', correlationId });
        expect(['DEPLOYMENT_STATE_PROGRESSING', 'DEPLOYMENT_STATE_PROMOTING', 'DEPLOYMENT_STATE_PROMOTED']).toContain(rollouts.canary.state);
        checked(`serving deployed version 1 by the basic strategy (nothing in production before it) and started version 2 as a canary beside stable version 1 (${rollouts.canary.state}, ${rollouts.canary.candidateWeightPercent}% of traffic), started by the registry event in saga ${correlationId}`);
      } finally {
        deployments.close();
      }

      const training = platform.service('training');
      await training.proc.waitForLog((l) => l.msg === 'training request left to the external trainer' && l.requestId === request.requestId, 30_000);
      const trainingApi = grpcClient(training.grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
      const { jobs } = await trainingApi.ListTrainingJobs({ modelName: model });
      trainingApi.close();
      expect(jobs).toEqual([]);
      checked("the platform's trainer left the request to the external trainer (model tagged mlops.trainer=external): no training job for the model");
    } finally {
      trainer.stop();
    }
  }, 240_000);
});

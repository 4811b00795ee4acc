import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@mlops/contracts';
import { type RunningService, grpcClient, httpGet, readTopic, readTopicUntil, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';

const T0 = Date.UTC(2026, 9, 1);

/**
 * A training job through four real services: ingestion holds the data, the feature store builds
 * the snapshot, training trains, evaluates and exports, the registry registers from the event.
 */
describe('training jobs', () => {
  let ingestion: RunningService;
  let store: RunningService;
  let registry: RunningService;
  let training: RunningService;
  let artifactDir: string;
  const clients: ReturnType<typeof grpcClient>[] = [];
  const client = (s: RunningService, proto: string, service: string) => {
    const c = grpcClient(s.grpcAddress, proto, service);
    clients.push(c);
    return c;
  };
  let ingest: ReturnType<typeof grpcClient>;
  let features: ReturnType<typeof grpcClient>;
  let models: ReturnType<typeof grpcClient>;
  let api: ReturnType<typeof grpcClient>;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');
  const trainingEnv = () => ({ FEATURE_STORE_GRPC_URL: store.grpcAddress, REGISTRY_GRPC_URL: registry.grpcAddress, TRAINING_JOB_HEARTBEAT_MS: '300', TRAINING_JOB_STALE_SECONDS: '3', TRAINING_SCHEDULE_TICK_MS: '250' });

  /** 400 customers (or `count`); churned when x1 + x2 > 1 (a learnable rule), 5% of labels flipped. */
  async function customers(count = 400): Promise<{ dataset: string; view: string }> {
    const dataset = name('customers');
    const view = name('customer-features');
    await ingest.RegisterDataset({
      dataset, entityColumn: 'customer_id', eventTimeColumn: 'ts', labelColumn: 'churned',
      columns: [
        { name: 'customer_id', type: 'COLUMN_TYPE_STRING' },
        { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
        { name: 'x1', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'x2', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'plan', type: 'COLUMN_TYPE_STRING' },
        { name: 'churned', type: 'COLUMN_TYPE_INT' },
      ],
    });
    const records = Array.from({ length: count }, (_, i) => {
      const x1 = ((i * 37) % 100) / 100;
      const x2 = ((i * 61) % 100) / 100;
      const churned = (x1 + x2 > 1 ? 1 : 0) ^ (i % 20 === 0 ? 1 : 0);
      return { recordId: `c${i}`, fields: { customer_id: { stringValue: `c${i}` }, ts: { timestampMs: T0 + i * 60_000 }, x1: { floatValue: x1 }, x2: { floatValue: x2 }, plan: { stringValue: i % 2 ? 'pro' : 'free' }, churned: { intValue: churned } } };
    });
    for (let i = 0; i < records.length; i += 5000) await ingest.IngestRecords({ dataset, records: records.slice(i, i + 5000) });
    await features.RegisterFeatureView({
      name: view, sourceDataset: dataset,
      features: [{ name: 'x1', column: { column: 'x1' } }, { name: 'x2', column: { column: 'x2' } }, { name: 'x1_x2', expression: { expr: 'x1 * x2' } }],
    });
    return { dataset, view };
  }

  const finished = (jobId: string, timeoutMs = 90_000) =>
    waitFor(async () => {
      const job = await api.GetTrainingJob({ jobId });
      return ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED'].includes(job.status) && job;
    }, { timeoutMs, what: `job ${jobId} to finish` });

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'training-it-'));
    ingestion = await startPlatformService('ingestion');
    [store, registry] = await Promise.all([
      startPlatformService('feature-store', { env: { INGESTION_GRPC_URL: ingestion.grpcAddress } }),
      startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } }),
    ]);
    training = await startPlatformService('training', { env: trainingEnv() });
    ingest = client(ingestion, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    features = client(store, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
    models = client(registry, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    api = client(training, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([training, registry, store].map((s) => s?.stop()));
    await ingestion?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('trains, tracks, exports and registers a version with its lineage, once per request', async () => {
    const { view } = await customers();
    const model = name('churn');
    const request = {
      idempotencyKey: `${model}-1`, modelName: model, featureView: view, cutDatasetVersion: true, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES',
      hyperparameters: { max_iterations: 40, min_samples_leaf: 5 }, search: { grid: { learning_rate: { values: [0.1, 0.3] } } }, seed: 3,
    };
    const submitted = await api.SubmitTrainingJob(request);
    expect((await api.SubmitTrainingJob(request)).jobId).toBe(submitted.jobId);
    const job = await finished(submitted.jobId);
    expect(job).toMatchObject({ status: 'JOB_STATUS_SUCCEEDED', gatePassed: true, attempts: 1 });
    expect(job.trialRunIds).toHaveLength(2);
    expect(job.trialRunIds).toContain(job.runId);
    expect(job.metrics.accuracy).toBeGreaterThan(0.8);
    expect(job.gateReason).toMatch(/^no production model/);

    const run = await api.GetRun({ runId: job.runId });
    const snapshot = await features.GetSnapshot({ snapshotId: job.snapshotId });
    expect(run).toMatchObject({ experiment: model, status: 'RUN_STATUS_FINISHED', params: { algorithm: 'gradient_boosted_trees', max_iterations: '40' } });
    expect(run.metrics.test_accuracy).toBe(job.metrics.accuracy);
    expect(run.metrics.validation_accuracy).toBeGreaterThan(0.7);
    expect(run.artifacts).toEqual([expect.objectContaining({ path: 'model.onnx', sha256: job.artifactSha256 })]);
    expect(run.reproducibility).toMatchObject({ snapshotContentHash: snapshot.contentHash, seed: 3 });
    const curve = await api.GetMetricHistory({ runId: job.runId, key: 'validation_loss' });
    expect(curve.metrics.length).toBeGreaterThan(1);
    // Once the gate passed, the winner was fit again on all 400 rows; the run records both fits.
    expect(run.tags.refit).toBe('all_rows');
    expect(run.metrics.refit_rows).toBe(400);
    expect(run.params).toMatchObject({ refit_max_iterations: '40', refit_early_stopping_rounds: '0', early_stopping_rounds: '0' });
    const refitCurve = await api.GetMetricHistory({ runId: job.runId, key: 'refit_train_loss' });
    expect(refitCurve.metrics.map((m: { step: number }) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));

    const version = await waitFor(async () => (await models.ListModelVersions({ modelName: model }).catch(() => ({ versions: [] }))).versions[0], { timeoutMs: 30_000, what: 'the registered version' });
    expect(version).toMatchObject({ version: 1, status: 'VERSION_STATUS_READY', artifactSha256: job.artifactSha256 });
    expect(version.signature.featureNames).toEqual(['x1', 'x2', 'x1_x2']);
    expect(version.lineage).toMatchObject({ runId: job.runId, jobId: job.jobId, snapshotId: job.snapshotId, featureView: view, datasetVersion: snapshot.datasetVersion, datasetContentHash: snapshot.datasetContentHash, source: 'training' });
    const events = (await readTopic(testKafkaBrokers(), Topics.trainingRunCompleted.name, 1, { settleMs: 300 })).map((m) => Topics.trainingRunCompleted.codec.decode(m.value!)).filter((e) => e.jobId === job.jobId);
    expect(events).toHaveLength(1);

    // A retraining request on the topic (as monitoring sends one) repeats the job on fresh data, once.
    const requested = Buffer.from(Topics.trainingRunRequested.codec.encode(Topics.trainingRunRequested.codec.fromPartial({ requestId: `${model}-retrain`, modelName: model, trigger: 'drift', alertId: 'alert-1' })).finish());
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    for (const eventId of ['e1', 'e1', 'e2']) {
      await producer.send({ topic: Topics.trainingRunRequested.name, messages: [{ key: model, value: requested, headers: { 'event-id': `${model}-${eventId}`, 'x-correlation-id': `${model}-saga`, 'content-type': 'application/x-protobuf; type=mlops.events.v1.TrainingRunRequested' } }] });
    }
    await producer.disconnect();
    const retrain = await waitFor(async () => (await api.ListTrainingJobs({ modelName: model })).jobs.find((j: { idempotencyKey: string }) => j.idempotencyKey === `request:${model}-retrain`), { what: 'the retraining job' });
    const done = await finished(retrain.jobId);
    expect(done).toMatchObject({ status: 'JOB_STATUS_SUCCEEDED' });
    expect((await api.ListTrainingJobs({ modelName: model })).jobs).toHaveLength(2);
    expect((await api.GetRun({ runId: done.runId })).tags.trigger).toBe('drift');
    // The job ran under the request's correlation id, and its completed-run event carries it on.
    const completed: string[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.trainingRunCompleted.name, (batch) => {
      for (const m of batch) if (Topics.trainingRunCompleted.codec.decode(m.value!).jobId === done.jobId) completed.push(m.headers?.['x-correlation-id']?.toString() ?? '');
      return completed.length > 0;
    });
    expect(completed).toEqual([`${model}-saga`]);
  });

  it('runs a training spec on its schedule: one job per firing, trigger "schedule", recorded on the spec', async () => {
    const { view } = await customers();
    const model = name('nightly');
    const spec = { name: name('every-minute'), schedule: '* * * * *', job: { modelName: model, featureView: view, cutDatasetVersion: true, algorithm: 'ALGORITHM_LOGISTIC_REGRESSION' } };
    const before = Date.now();
    const put = await api.PutTrainingSpec(spec);
    const firing = Number(put.nextRunAtMs);
    // Armed at the next whole minute after the put, never backdated.
    expect(firing % 60_000).toBe(0);
    expect(firing).toBeGreaterThan(before - 1000);
    expect(firing).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(put).toMatchObject({ revision: 1, lastRunAtMs: 0, lastJobId: '' });
    expect(await api.PutTrainingSpec(spec)).toMatchObject({ revision: 1, nextRunAtMs: put.nextRunAtMs });

    const job = await waitFor(async () => (await api.ListTrainingJobs({ modelName: model })).jobs[0], { timeoutMs: 80_000, intervalMs: 250, what: `the job of ${spec.name}'s firing at ${new Date(firing).toISOString()}` });
    expect(job.idempotencyKey).toBe(`schedule:${spec.name}:${firing}`);
    const done = await finished(job.jobId);
    expect(done.status).toBe('JOB_STATUS_SUCCEEDED');
    expect((await api.GetRun({ runId: done.runId })).tags.trigger).toBe('schedule');
    const after = await api.GetTrainingSpec({ name: spec.name });
    expect(after).toMatchObject({ revision: 1, lastRunAtMs: firing, lastJobId: job.jobId, lastError: '' });
    expect(Number(after.nextRunAtMs)).toBeGreaterThanOrEqual(firing + 60_000);
    // Many ticks passed over the firing (every 250 ms): it submitted one job.
    const jobs = (await api.ListTrainingJobs({ modelName: model })).jobs.filter((j: { idempotencyKey: string }) => j.idempotencyKey === job.idempotencyKey);
    expect(jobs).toHaveLength(1);

    // No schedule: nothing is armed any more.
    // (A changed spec used to fail INTERNAL here: typeorm answers an UPDATE with [rows, count].)
    const off = await api.PutTrainingSpec({ ...spec, schedule: '' });
    expect(off).toMatchObject({ revision: 2, nextRunAtMs: 0, lastJobId: job.jobId });
  }, 150_000);

  it('gates a new model on the production model, evaluated on the same test rows', async () => {
    const { view } = await customers();
    const model = name('gated');
    const base = { modelName: model, featureView: view, cutDatasetVersion: true, seed: 5 };
    const first = await finished((await api.SubmitTrainingJob({ ...base, idempotencyKey: `${model}-a`, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES', hyperparameters: { max_iterations: 40, min_samples_leaf: 5 }, refit: false })).jobId);
    expect(first.status).toBe('JOB_STATUS_SUCCEEDED');
    // refit: false registers the model fit on the training part only.
    expect((await api.GetRun({ runId: first.runId })).tags.refit).toBeUndefined();
    await waitFor(async () => (await models.ListModelVersions({ modelName: model }).catch(() => ({ versions: [] }))).versions.length === 1);
    await models.SetAlias({ modelName: model, alias: 'production', version: 1 });

    // A weaker model (logistic regression on a non-linear rule, heavily regularized) must beat production to be registered.
    const second = await finished((await api.SubmitTrainingJob({ ...base, idempotencyKey: `${model}-b`, algorithm: 'ALGORITHM_LOGISTIC_REGRESSION', hyperparameters: { C: 0.0001 }, gate: { metric: 'accuracy', maxDegradation: 0 } })).jobId);
    expect(second.status).toBe('JOB_STATUS_SUCCEEDED');
    expect(second.productionMetrics.accuracy).toBeGreaterThan(0.8);
    expect(second.gateReason).toContain('vs production');
    expect(second.gatePassed).toBe(second.metrics.accuracy >= second.productionMetrics.accuracy);
    expect(second.gatePassed).toBe(false);
    // A model that failed the gate is not refit.
    expect((await api.GetRun({ runId: second.runId })).tags.refit).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2000));
    expect((await models.ListModelVersions({ modelName: model })).versions).toHaveLength(1);
  });

  it('fits on the threads a job asks for, to the same model as on one thread', async () => {
    // 6,000 rows: the training part's histograms (4,200 rows at the root) are shared between the
    // fit's thread and a worker thread it starts (a worker inside the fit's worker thread).
    const { view } = await customers(6000);
    const model = name('threads');
    const base = { modelName: model, featureView: view, cutDatasetVersion: true, seed: 9, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES', hyperparameters: { max_iterations: 30 } };
    const two = await finished((await api.SubmitTrainingJob({ ...base, idempotencyKey: `${model}-2`, threads: 2 })).jobId);
    expect(two).toMatchObject({ status: 'JOB_STATUS_SUCCEEDED', gatePassed: true });
    const one = await finished((await api.SubmitTrainingJob({ ...base, idempotencyKey: `${model}-1`, snapshotId: two.snapshotId, featureView: '' })).jobId);
    expect(one.status).toBe('JOB_STATUS_SUCCEEDED');
    expect(one.metrics.accuracy).toBe(two.metrics.accuracy);
    expect(Math.abs(one.metrics.log_loss - two.metrics.log_loss)).toBeLessThan(1e-9);
  }, 120_000);

  it('fails a job whose worker was killed mid-job, registering nothing', async () => {
    const { view } = await customers();
    const model = name('killed');
    const values = Array.from({ length: 12 }, (_, i) => 0.02 + i * 0.02);
    const { jobId } = await api.SubmitTrainingJob({
      idempotencyKey: `${model}-k`, modelName: model, featureView: view, cutDatasetVersion: true, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES',
      hyperparameters: { max_iterations: 200, min_samples_leaf: 2 }, search: { grid: { learning_rate: { values }, max_leaf_nodes: { values: [8, 16, 31, 63] } } },
    });
    await waitFor(async () => /^trial [2-9]/.test((await api.GetTrainingJob({ jobId })).statusMessage), { timeoutMs: 60_000, intervalMs: 50, what: 'the job to be training' });
    await training.proc.stop('SIGKILL');

    training = await startPlatformService('training', { env: { ...trainingEnv(), TRAINING_DB_SCHEMA: training.schema } });
    api = client(training, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService');
    const job = await finished(jobId, 30_000);
    expect(job).toMatchObject({ status: 'JOB_STATUS_FAILED', artifactSha256: '' });
    expect(job.statusMessage).toMatch(/the worker stopped mid-job/);
    await new Promise((r) => setTimeout(r, 1500));
    await expect(models.ListModelVersions({ modelName: model })).rejects.toMatchObject({ code: 5 });
  });

  it('answers health checks and reads while it fits (the fit runs in a worker thread)', async () => {
    const { view } = await customers(20_000);
    const model = name('busy');
    // Two trials and a refit of 5,000 boosting iterations each, early stopping off: about 30 s of fitting.
    const { jobId } = await api.SubmitTrainingJob({
      idempotencyKey: `${model}-1`, modelName: model, featureView: view, cutDatasetVersion: true, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES',
      hyperparameters: { max_iterations: 5000, max_leaf_nodes: 63, min_samples_leaf: 1, learning_rate: 0.01, early_stopping_rounds: 0 },
      search: { grid: { l2_regularization: { values: [0, 1] } } },
    });
    let slowest = 0;
    let probesWhileFitting = 0;
    let fittingSince = 0;
    let fittingMs = 0;
    for (;;) {
      const t0 = performance.now();
      expect((await httpGet(`${training.httpUrl}/health/live`)).status).toBe(200);
      const job = await api.GetTrainingJob({ jobId });
      const ms = performance.now() - t0;
      if (['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED'].includes(job.status)) {
        expect([job.status, job.gateReason || job.statusMessage]).toEqual(['JOB_STATUS_SUCCEEDED', expect.stringMatching(/^no production model/)]);
        break;
      }
      // "trial i of n" and "refitting …" are set just before a fit starts: the probe sat in a fit.
      if (/^(trial|refitting)/.test(job.statusMessage)) {
        fittingSince ||= t0;
        fittingMs = performance.now() - fittingSince;
        probesWhileFitting++;
        slowest = Math.max(slowest, ms);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Two loss values per iteration: 10,000 of the trial's curve went over one LogBatch (they are logged in pieces now).
    expect((await api.GetMetricHistory({ runId: (await api.GetTrainingJob({ jobId })).runId, key: 'validation_loss' })).metrics).toHaveLength(5000);
    console.log(`${probesWhileFitting} probes during ${(fittingMs / 1000).toFixed(1)} s of fitting (liveness + GetTrainingJob), slowest ${slowest.toFixed(0)} ms`);
    expect(probesWhileFitting).toBeGreaterThan(20);
    // On the event loop a fit held every answer (and the job's heartbeat) for its whole length.
    expect(slowest).toBeLessThan(1000);
  }, 240_000);

  it('refuses bad requests and fails jobs on unusable data with the reason', async () => {
    const { view, dataset } = await customers();
    await expect(api.SubmitTrainingJob({ modelName: 'x', featureView: view, algorithm: 'ALGORITHM_LINEAR_REGRESSION', hyperparameters: { C: 1 } })).rejects.toMatchObject({
      code: 3,
      details: 'invalid training job: unknown hyperparameter "C" for linear_regression (known: alpha)',
    });
    await expect(api.SubmitTrainingJob({ modelName: 'x', featureView: view })).rejects.toMatchObject({ code: 3 });
    await expect(api.SubmitTrainingJob({ modelName: 'x', featureView: view, algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES', threads: 65 })).rejects.toMatchObject({
      code: 3,
      details: 'invalid training job: threads must be between 1 and 64 (0 for 1), got 65',
    });
    await expect(api.GetTrainingJob({ jobId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 5 });

    const categorical = name('plan-features');
    await features.RegisterFeatureView({ name: categorical, sourceDataset: dataset, features: [{ name: 'plan', column: { column: 'plan' } }] });
    const { jobId } = await api.SubmitTrainingJob({ modelName: name('cat'), featureView: categorical, cutDatasetVersion: true, algorithm: 'ALGORITHM_LOGISTIC_REGRESSION' });
    const job = await finished(jobId);
    expect(job).toMatchObject({ status: 'JOB_STATUS_FAILED', statusMessage: 'feature "plan" is categorical ("free"): one-hot encode it in the feature view' });
  });
});

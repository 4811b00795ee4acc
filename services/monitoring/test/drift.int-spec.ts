import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, type Producer, logLevel } from 'kafkajs';
import { Client as SqlClient } from 'pg';
import { RawTopics, Topics, type events } from '@mlops/contracts';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningService, grpcClient, readTopic, readTopicUntil, startPlatformService, testDatabaseUrl, testKafkaBrokers, uniqueName, waitFor, waitForGroupMembers, authHeaders } from '@mlops/testing';
import { type DriftReportMessage, type FeatureResult, alertPages, binnedMean, expectDistributions, expectNonIncreasing, reportWithoutDistributions, withoutDistributions } from './reports';

type Client = ReturnType<typeof grpcClient>;

let seed = 5;
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const normal = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());

/**
 * Drift against the real chain that makes a reference: records ingested, a feature-store snapshot,
 * a registry version whose lineage names the snapshot and which is in production; then prediction
 * log batches on Kafka as serving writes them, like the training data and then shifted.
 */
describe('drift monitoring', () => {
  let ingestion: RunningService;
  let featureStore: RunningService;
  let registry: RunningService;
  let monitoring: RunningService;
  /** A second replica (the last test). */
  let second: RunningService | undefined;
  let artifactDir: string;
  let api: Client;
  let producer: Producer;
  const model = uniqueName('watched').replace(/_/g, '-');
  const dataset = uniqueName('drift-data').replace(/_/g, '-');
  const view = uniqueName('drift-view').replace(/_/g, '-');
  const labelled = uniqueName('labelled').replace(/_/g, '-');
  const timed = uniqueName('timed').replace(/_/g, '-');
  const killed = uniqueName('killed').replace(/_/g, '-');
  const shared = uniqueName('shared').replace(/_/g, '-');
  const expiring = uniqueName('expiring').replace(/_/g, '-');

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'monitoring-it-'));
    [ingestion, registry] = await Promise.all([startPlatformService('ingestion'), startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } })]);
    featureStore = await startPlatformService('feature-store', { env: { INGESTION_GRPC_URL: ingestion.grpcAddress } });
    // A 10 s session (default 30 s): the group gives a killed member's partitions away sooner.
    monitoring = await startPlatformService('monitoring', { env: { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: featureStore.grpcAddress, KAFKA_SESSION_TIMEOUT_MS: '10000' } });
    api = grpcClient(monitoring.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
    producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();

    // Training data: 1500 rows of x1 ~ N(0, 1), x2 ~ N(5, 2).
    const ingest = grpcClient(ingestion.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const features = grpcClient(featureStore.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
    const models = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    await ingest.RegisterDataset({
      dataset,
      entityColumn: 'id',
      eventTimeColumn: 'ts',
      labelColumn: 'y',
      columns: [
        { name: 'id', type: 'COLUMN_TYPE_INT' },
        { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
        { name: 'x1', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'x2', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'y', type: 'COLUMN_TYPE_INT' },
      ],
    });
    const records = Array.from({ length: 1500 }, (_, i) => {
      const x1 = normal();
      return { recordId: `r${i}`, fields: { id: { intValue: i }, ts: { timestampMs: Date.UTC(2026, 10, 1) + i * 1000 }, x1: { floatValue: x1 }, x2: { floatValue: normal() * 2 + 5 }, y: { intValue: x1 > 0 ? 1 : 0 } } };
    });
    expect((await ingest.IngestRecords({ dataset, records })).accepted).toBe(1500);
    await features.RegisterFeatureView({ name: view, sourceDataset: dataset, features: [{ name: 'x1', column: { column: 'x1' } }, { name: 'x2', column: { column: 'x2' } }] });
    const snapshot = await features.CreateSnapshot({ featureView: view, cutDatasetVersion: true });
    expect(snapshot.rowCount).toBe(1500);
    const classifier: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['x1', 'x2'], classes: [0, 1], coef: [[2, 0.1]], intercept: [-0.5] };
    const { sha256 } = await models.UploadArtifact([{ data: Buffer.from(exportOnnx(classifier)) }]);
    // Test metrics as training would have measured them: the baseline of live performance.
    for (const name of [model, labelled, timed, killed, shared, expiring]) {
      await models.CreateModelVersion({ modelName: name, artifactSha256: sha256, featureNames: ['x1', 'x2'], lineage: { snapshotId: snapshot.snapshotId, featureView: view }, metrics: { accuracy: 0.95, f1: 0.95, roc_auc: 0.99 } });
      await models.SetAlias({ modelName: name, alias: 'production', version: 1 });
    }
    for (const c of [ingest, features, models]) c.close();
    await api.SetMonitoringPolicy({ modelName: model, windowSize: 1000, evaluateEvery: 500, consecutive: 2, clearAfter: 2, cooldownSeconds: 600, labelWindow: 200 });
    await api.SetMonitoringPolicy({ modelName: timed, windowSize: 1000, windowSeconds: 30, evaluateEvery: 200 });
    await api.SetMonitoringPolicy({ modelName: labelled, windowSize: 1000, evaluateEvery: 500, consecutive: 2, clearAfter: 2, cooldownSeconds: 600, labelWindow: 200, maxDegradation: 0.1 });
  }, 180_000);

  afterAll(async () => {
    api?.close();
    await producer?.disconnect();
    await Promise.all([second, monitoring, featureStore, registry, ingestion].map((s) => s?.stop()));
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  let sent = 0;
  /** One prediction-log batch of `rows` rows, as serving writes it. */
  async function serve(rows: number, shift: number, { target = model, agoMs = 0 } = {}): Promise<void> {
    const predictions: events.PredictionLogged[] = Array.from({ length: rows }, () => {
      const x1 = normal() + shift;
      const x2 = normal() * 2 + 5;
      const label = 2 * x1 + 0.1 * x2 - 0.5 > 0 ? 1 : 0;
      return { requestId: `q${sent++}`, modelName: target, version: 1, features: { x1, x2 }, outputs: [label], servedAtMs: Date.now() - agoMs, latencyMs: 1, row: 0, prediction: label, role: 'stable', deploymentId: '' };
    });
    // A shadow row is not traffic: if it counted, the window would not be what the test thinks.
    predictions.push({ ...predictions[0], requestId: 'shadow', features: { x1: 1e6, x2: 1e6 }, role: 'shadow' });
    const value = Buffer.from(Topics.predictionsLogged.codec.encode({ modelName: target, predictions }).finish());
    await producer.send({ topic: Topics.predictionsLogged.name, messages: [{ key: `${target}/${sent}`, value, headers: { 'event-id': uniqueName('batch'), 'content-type': `application/x-protobuf; type=${Topics.predictionsLogged.messageType}` } }] });
  }

  it('reports no drift on data like the training data', async () => {
    for (let i = 0; i < 4; i++) await serve(250, 0);
    const report = await waitFor(async () => api.GetDriftReport({ modelName: model }).catch(() => undefined), { timeoutMs: 60_000, what: 'a drift report' });
    expect(report).toMatchObject({ modelName: model, version: 1, referenceRows: 1500, windowRows: 1000, datasetDrift: false, alertId: '' });
    expect(report.features.map((f: { feature: string; test: string; drifted: boolean }) => [f.feature, f.test, f.drifted])).toEqual([['x1', 'wasserstein', false], ['x2', 'wasserstein', false]]);
    expect(report.prediction).toMatchObject({ feature: 'prediction', test: 'jensenshannon', drifted: false, referenceSize: 1500 });
    expect(await api.ListAlerts({ modelName: model })).toEqual({ alerts: [], nextPageToken: '' });
    // One evaluation so far (the window filled once): the history holds it, without distributions.
    report.features.forEach((f: FeatureResult) => expectDistributions(f, 'bins'));
    expectDistributions(report.prediction, 'categories');
    expect(await api.ListDriftReports({ modelName: model })).toEqual({ reports: [reportWithoutDistributions(report)] });
    expect(await api.ListDriftReports({ modelName: 'nobody-watches-this' })).toEqual({ reports: [] });
  });

  it('raises one alert for a shift, after two drifted windows, with its event and a retraining request', async () => {
    for (let i = 0; i < 6; i++) await serve(250, 1.5);
    const { alerts } = await waitFor(async () => {
      const r = await api.ListAlerts({ modelName: model });
      return r.alerts.length > 0 ? r : undefined;
    }, { timeoutMs: 60_000, what: 'an alert' });
    // More of the same shift: no storm.
    for (let i = 0; i < 4; i++) await serve(250, 1.5);
    await waitFor(async () => (await api.GetDriftReport({ modelName: model })).windowToMs >= Date.now() - 1000, { what: 'the last batches to be evaluated' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api.ListAlerts({ modelName: model })).alerts).toHaveLength(1);

    const [alert] = alerts;
    expect(alert).toMatchObject({ modelName: model, version: 1, kind: 'data_drift', retrainRequested: true, correlationId: alert.alertId });
    const x1 = alert.features.find((f: { feature: string }) => f.feature === 'x1');
    expect(x1).toMatchObject({ test: 'wasserstein', drifted: true, threshold: 0.1, referenceSize: 1500, currentSize: 1000 });
    expect(alert.features.find((f: { feature: string }) => f.feature === 'x2').drifted).toBe(false);
    expect(alert.driftedShare).toBe(0.5);

    const drift: events.DriftDetected[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.driftDetected.name, (batch) => {
      drift.push(...batch.filter((m) => m.key?.toString() === model).map((m) => Topics.driftDetected.codec.decode(m.value!)));
      return drift.length > 0;
    });
    expect(drift).toEqual([expect.objectContaining({ alertId: alert.alertId, modelName: model, version: 1, driftedShare: 0.5 })]);
    const requests: { payload: events.TrainingRunRequested; correlation?: string }[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.trainingRunRequested.name, (batch) => {
      for (const m of batch) if (m.key?.toString() === model) requests.push({ payload: Topics.trainingRunRequested.codec.decode(m.value!), correlation: m.headers?.['x-correlation-id']?.toString() });
      return requests.length > 0;
    });
    expect(requests).toEqual([{ payload: expect.objectContaining({ requestId: alert.alertId, alertId: alert.alertId, trigger: 'drift', modelName: model }), correlation: alert.alertId }]);
    expect(requests[0].payload.toTimeMs - requests[0].payload.fromTimeMs).toBe(86_400_000);

    // The saga the alert starts can be followed by its id.
    const timeline = await waitFor(async () => {
      const t = await api.GetTimeline({ correlationId: alert.alertId }).catch(() => undefined);
      return t?.steps.length >= 2 ? t : undefined;
    }, { what: 'the timeline of the alert' });
    expect(timeline.steps.map((s: { kind: string; service: string; modelName: string }) => [s.kind, s.service, s.modelName])).toEqual([
      ['drift.detected', 'monitoring', model],
      ['training.requested', 'monitoring', model],
    ]);
    expect(timeline.steps[0].summary).toMatch(/^data drift in 50% of the features \(x1 wasserstein 1\.\d+\)$/);
    expect((await api.GetTimeline({ correlationId: 'nothing-carried-this' }).catch((e: { code: number }) => e)).code).toBe(5);

    const metrics = await (await fetch(`${monitoring.httpUrl}/metrics`, { headers: authHeaders() })).text();
    expect(metrics).toMatch(new RegExp(`mlops_monitoring_feature_drifted\\{[^}]*model="${model}"[^}]*feature="x1"[^}]*\\} 1`));
    expect(metrics).toMatch(new RegExp(`mlops_monitoring_alerts_total\\{[^}]*model="${model}"[^}]*\\} 1`));

    await expectDriftHistory(alert.alertId);
    // Alerts (and their events) carry no distributions.
    expect(alert.features).toEqual(alert.features.map(withoutDistributions));
  });

  /** After the shift: the latest report shows it in its distributions, the history holds every
   * evaluation newest first (clean, drifted, drifted with the alert, then drifted), without them. */
  async function expectDriftHistory(alertId: string): Promise<void> {
    const latest: DriftReportMessage = await api.GetDriftReport({ modelName: model });
    const [x1, x2] = latest.features;
    for (const f of latest.features) expectDistributions(f, 'bins');
    expectDistributions(latest.prediction!, 'categories');
    // x1 moved by 1.5 standard deviations, x2 did not.
    expect(binnedMean(x1, 'currentShares') - binnedMean(x1, 'referenceShares')).toBeGreaterThan(1.2);
    expect(Math.abs(binnedMean(x2, 'currentShares') - binnedMean(x2, 'referenceShares'))).toBeLessThan(0.3);
    const { reports } = await api.ListDriftReports({ modelName: model });
    console.log(`drift history of ${model}: ${reports.length} evaluations, newest first: ${reports.map((r: DriftReportMessage) => (r.alertId ? 'alert' : r.datasetDrift ? 'drift' : 'clean')).join(' ')}`);
    // 3500 rows, judged every 500 from 1000 on: 6 evaluations (one skipped if two batches of the model meet).
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.length).toBeLessThanOrEqual(6);
    expect(reports[0]).toEqual(reportWithoutDistributions(latest));
    expectNonIncreasing(reports.map((r: DriftReportMessage) => r.computedAtMs));
    const oldestFirst = [...reports].reverse().map((r: DriftReportMessage) => [r.datasetDrift, r.alertId]);
    expect(oldestFirst).toEqual([[false, ''], [true, ''], [true, alertId], ...new Array(reports.length - 3).fill([true, ''])]);
    for (const r of reports) expect(r).toEqual(reportWithoutDistributions(r));
    expect(await api.ListDriftReports({ modelName: model, sinceMs: reports[1].computedAtMs })).toEqual({ reports: reports.slice(0, 2) });
    expect(await api.ListDriftReports({ modelName: model, limit: 2 })).toEqual({ reports: reports.slice(0, 2) });
    const refused = await api.ListDriftReports({ modelName: model, limit: 1001 }).catch((e: { code: number; details: string }) => e);
    expect(refused).toMatchObject({ code: 3, details: 'limit must be an integer from 0 to 1000 (0 means 200), got 1001' });
  }

  /** Predictions of `target` (undrifted inputs) and their labels, `wrong` of them wrong; half
   * the labels are sent before their prediction is logged (the streams are independent). */
  async function serveLabelled(target: string, rows: number, wrong: number, spread = false): Promise<void> {
    const predictions: events.PredictionLogged[] = [];
    const labels: events.FeedbackReceived[] = [];
    for (let i = 0; i < rows; i++) {
      const x1 = normal();
      const prediction = x1 > 0 ? 1 : 0;
      const requestId = `l${sent++}`;
      predictions.push({ requestId, modelName: target, version: 1, features: { x1, x2: normal() * 2 + 5 }, outputs: [prediction], servedAtMs: Date.now(), latencyMs: 1, row: 0, prediction, role: 'stable', deploymentId: '', score: 1 / (1 + Math.exp(-4 * x1)) });
      labels.push({ requestId, modelName: target, label: i < wrong ? 1 - prediction : prediction, observedAtMs: Date.now(), row: 0 });
    }
    // With `spread`, messages are keyed by request (labels) and by batch (predictions of 10 rows):
    // they land on every partition, so on every replica of a group.
    const keyOf = (i: number) => (spread ? `${target}/${sent}/${i}` : target);
    const send = async (topic: typeof Topics.feedbackReceived | typeof Topics.predictionsLogged, values: Uint8Array[]) =>
      producer.send({ topic: topic.name, messages: values.map((v, i) => ({ key: keyOf(i), value: Buffer.from(v), headers: { 'event-id': uniqueName('e'), 'content-type': `application/x-protobuf; type=${topic.messageType}` } })) });
    const half = Math.floor(rows / 2);
    const batches = spread ? Array.from({ length: Math.ceil(rows / 10) }, (_, i) => predictions.slice(i * 10, i * 10 + 10)) : [predictions];
    await send(Topics.feedbackReceived, labels.slice(0, half).map((l) => Topics.feedbackReceived.codec.encode(l).finish()));
    await send(Topics.predictionsLogged, batches.map((b) => Topics.predictionsLogged.codec.encode({ modelName: target, predictions: b }).finish()));
    await send(Topics.feedbackReceived, labels.slice(half).map((l) => Topics.feedbackReceived.codec.encode(l).finish()));
  }

  it('judges live accuracy from late labels against the test metrics, and raises a performance alert on degradation', async () => {
    await serveLabelled(labelled, 200, 4); // 98 % right
    const healthy = await waitFor(async () => api.GetPerformanceReport({ modelName: labelled }).catch(() => undefined), { timeoutMs: 60_000, what: 'a performance report' });
    expect(healthy).toMatchObject({ modelName: labelled, version: 1, task: 'classification', metric: 'accuracy', labelled: 200, degraded: false, alertId: '' });
    expect(healthy.current.accuracy).toBeCloseTo(0.98, 10);
    expect(healthy.current.roc_auc).toBeGreaterThan(0.9);
    expect(healthy.baseline).toMatchObject({ accuracy: 0.95 });
    // One evaluation (the window filled once): the history holds just it.
    expect(await api.ListPerformanceReports({ modelName: labelled })).toEqual({ reports: [healthy] });

    // 30 % wrong: accuracy 0.7 is 26 % below the test accuracy; two degraded evaluations alert.
    for (let i = 0; i < 3; i++) await serveLabelled(labelled, 200, 60);
    const alert = await waitFor(async () => (await api.ListAlerts({ modelName: labelled })).alerts[0], { timeoutMs: 60_000, what: 'a performance alert' });
    expect(alert).toMatchObject({ modelName: labelled, version: 1, kind: 'performance', metric: 'accuracy', baseline: 0.95, sampleSize: 200, retrainRequested: true, correlationId: alert.alertId });
    // Raised once the window is bad enough: below 0.95 × 0.9, above the 0.7 of the bad rows alone.
    expect(alert.current).toBeLessThan(0.855);
    expect(alert.current).toBeGreaterThanOrEqual(0.7);
    const degraded: events.PerformanceDegraded[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.performanceDegraded.name, (batch) => {
      degraded.push(...batch.filter((m) => m.key?.toString() === labelled).map((m) => Topics.performanceDegraded.codec.decode(m.value!)));
      return degraded.length > 0;
    });
    expect(degraded).toEqual([expect.objectContaining({ alertId: alert.alertId, metric: 'accuracy', baseline: 0.95, threshold: 0.1, sampleSize: 200 })]);
    const requests: events.TrainingRunRequested[] = [];
    await readTopicUntil(testKafkaBrokers(), Topics.trainingRunRequested.name, (batch) => {
      requests.push(...batch.filter((m) => m.key?.toString() === labelled).map((m) => Topics.trainingRunRequested.codec.decode(m.value!)));
      return requests.length > 0;
    });
    expect(requests).toEqual([expect.objectContaining({ requestId: alert.alertId, trigger: 'degradation' })]);
    const metrics = await (await fetch(`${monitoring.httpUrl}/metrics`, { headers: authHeaders() })).text();
    expect(metrics).toMatch(new RegExp(`mlops_monitoring_performance_degraded\\{[^}]*model="${labelled}"[^}]*\\} 1`));
    expect(metrics).toMatch(new RegExp(`mlops_monitoring_performance\\{[^}]*model="${labelled}"[^}]*metric="accuracy"[^}]*\\} 0\\.[78]`));
    expect(metrics).toMatch(new RegExp(`mlops_monitoring_performance_baseline\\{[^}]*model="${labelled}"[^}]*metric="accuracy"[^}]*\\} 0\\.95`));

    // Every evaluation, newest first: the healthy one oldest, the alert's after a degraded one.
    type Report = { computedAtMs: number; alertId: string; degraded: boolean; labelled: number };
    const { latest, reports } = await waitFor(async () => {
      const [l, r] = [await api.GetPerformanceReport({ modelName: labelled }), (await api.ListPerformanceReports({ modelName: labelled })).reports as Report[]];
      return r[0]?.computedAtMs === l.computedAtMs ? { latest: l, reports: r } : undefined;
    }, { what: 'the evaluations to settle' });
    expect(reports[0]).toEqual(latest);
    expect(reports[reports.length - 1]).toEqual(healthy);
    expectNonIncreasing(reports.map((r) => r.computedAtMs));
    const raisedAt = reports.findIndex((r) => r.alertId === alert.alertId);
    expect(reports.filter((r) => r.alertId !== '').map((r) => r.alertId)).toEqual([alert.alertId]);
    expect(reports[raisedAt + 1]).toMatchObject({ degraded: true, alertId: '' });
    expect(await api.ListPerformanceReports({ modelName: labelled, limit: 1 })).toEqual({ reports: [latest] });
    expect(await api.ListPerformanceReports({ modelName: 'nobody-watches-this' })).toEqual({ reports: [] });
  });

  it('a degradation that follows a drift alert is raised but does not request a second retraining', async () => {
    for (let i = 0; i < 3; i++) await serveLabelled(model, 200, 60);
    const alert = await waitFor(async () => (await api.ListAlerts({ modelName: model })).alerts.find((a: { kind: string }) => a.kind === 'performance'), { timeoutMs: 60_000, what: 'a performance alert' });
    expect(alert).toMatchObject({ retrainRequested: false, retrainNote: expect.stringMatching(/^a retraining was requested \d+ s ago, within the 600 s cooldown$/) });
  });

  type AlertMessage = { alertId: string; modelName: string; kind: string; raisedAtMs: number };

  it('pages through the alerts newest first, and refuses a page token it did not give', async () => {
    // The alerts so far: the drift and the performance alert of `model`, the performance alert of `labelled`.
    const all: AlertMessage[] = (await api.ListAlerts({})).alerts;
    expect(all.map((a) => [a.modelName, a.kind])).toEqual([[model, 'performance'], [labelled, 'performance'], [model, 'data_drift']]);
    expectNonIncreasing(all.map((a) => a.raisedAtMs));
    expect(await alertPages(api.ListAlerts, {}, 1)).toEqual(all.map((a) => [a.alertId]));
    expect(await alertPages(api.ListAlerts, {}, 2)).toEqual([[all[0].alertId, all[1].alertId], [all[2].alertId]]);
    expect(await alertPages(api.ListAlerts, { modelName: model }, 1)).toEqual([[all[0].alertId], [all[2].alertId]]);
    const { nextPageToken } = await api.ListAlerts({ modelName: model, limit: 1 });
    const refusals = await Promise.all(
      [{ pageToken: 'bm90IGEgdG9rZW4' }, { modelName: labelled, pageToken: nextPageToken }, { limit: 501 }].map((r) => api.ListAlerts(r).then(() => undefined, (e: { code: number; details: string }) => [e.code, e.details])),
    );
    expect(refusals).toEqual([
      [3, 'page_token "bm90IGEgdG9rZW4" is not one this service gave'],
      [3, `page_token was given for model_name "${model}", not "${labelled}"`],
      [3, 'limit must be an integer from 0 to 500 (0 means 50), got 501'],
    ]);
  });

  it('lists the latest sagas, the most recently active first, each as GetTimeline gives it, by model', async () => {
    const all: AlertMessage[] = (await api.ListAlerts({})).alerts;
    const [performance, other, drift] = all.map((a) => a.alertId);
    type Saga = { correlationId: string; steps: { kind: string; atMs: number }[] };
    const ours: Saga[] = await waitFor(async () => {
      const { timelines } = await api.ListTimelines({ modelName: model });
      return timelines.some((t: Saga) => t.correlationId === performance) ? timelines : undefined;
    }, { what: 'the sagas of both alerts of the model' });
    // The model's sagas: its two alerts, and (the least recently active) its registration in the setup.
    expect(ours.map((t) => [t.correlationId, t.steps.map((s) => s.kind)])).toEqual([
      [performance, ['performance.degraded']],
      [drift, ['drift.detected', 'training.requested']],
      [expect.any(String), ['version.registered']],
    ]);
    for (const t of ours) expect(t).toEqual(await api.GetTimeline({ correlationId: t.correlationId }));
    expect((await api.ListTimelines({ modelName: model, limit: 1 })).timelines.map((t: Saga) => t.correlationId)).toEqual([performance]);
    expect(await api.ListTimelines({ modelName: 'nobody-watches-this' })).toEqual({ timelines: [] });
    // All models (the broker is shared, so other runs' sagas may be among them): in order of their latest step.
    const { timelines } = await waitFor(async () => {
      const r = await api.ListTimelines({ limit: 50 });
      return r.timelines.some((t: Saga) => t.correlationId === other) ? r : undefined;
    }, { what: 'the saga of the other model' });
    expectNonIncreasing(timelines.map((t: Saga) => Math.max(...t.steps.map((s) => s.atMs))));
    expect(timelines.map((t: Saga) => t.correlationId).filter((id: string) => [performance, other, drift].includes(id))).toEqual([performance, other, drift]);
    expect(await api.ListTimelines({ limit: 51 }).catch((e: { code: number; details: string }) => [e.code, e.details])).toEqual([3, 'limit must be an integer from 0 to 50 (0 means 10), got 51']);
  });

  it('with a window by time, judges only the rows served in it', async () => {
    // Shifted rows served two minutes ago are outside the 30 s window: only the recent, unshifted ones count.
    await serve(200, 1.5, { target: timed, agoMs: 120_000 });
    await serve(200, 0, { target: timed });
    const report = await waitFor(async () => api.GetDriftReport({ modelName: timed }).catch(() => undefined), { timeoutMs: 60_000, what: 'a drift report' });
    expect(report).toMatchObject({ windowRows: 200, datasetDrift: false });
    expect(report.windowFromMs).toBeGreaterThan(Date.now() - 30_000);
  });

  it('refuses a bad policy naming the field', async () => {
    const error = await api.SetMonitoringPolicy({ modelName: model, windowSize: 0, driftShare: 2 }).then(() => undefined, (e: { code: number; details: string }) => e);
    expect(error).toMatchObject({ code: 3, details: expect.stringContaining('window_size must be an integer between 1 and 1000000, got 0; drift_share must be in (0, 1], got 2') });
  });
  it('killed (SIGKILL) as it raises an alert: after the restart one alert, one event and one retraining request', async () => {
    await api.SetMonitoringPolicy({ modelName: killed, windowSize: 1000, evaluateEvery: 250, consecutive: 2, clearAfter: 2, cooldownSeconds: 600 });
    // Shifted traffic until the alert is being raised, then the process is killed at once: the
    // alert, its event and its retraining request are one transaction, relayed from the outbox.
    const raised = () => monitoring.proc.logs.some((l) => l.msg === 'drift alert raised' && l.model === killed);
    for (let i = 0; i < 40 && !raised(); i++) {
      await serve(250, 1.5, { target: killed });
      await waitFor(async () => raised() || undefined, { timeoutMs: 400 }).catch(() => undefined);
    }
    expect(raised()).toBe(true);
    expect(await monitoring.proc.stop('SIGKILL')).toBe(null);
    api.close();
    monitoring = await startPlatformService('monitoring', {
      env: { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: featureStore.grpcAddress, MONITORING_DB_SCHEMA: monitoring.schema, MONITORING_CONSUMER_GROUP: `monitoring-${monitoring.schema}`, KAFKA_SESSION_TIMEOUT_MS: '10000' },
    });
    api = grpcClient(monitoring.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
    // The same shift goes on after the restart: it must not raise a second alert.
    for (let i = 0; i < 8; i++) await serve(250, 1.5, { target: killed });
    await new Promise((r) => setTimeout(r, 3000));
    const { alerts } = await api.ListAlerts({ modelName: killed });
    // Each topic read to its end (everything that arrives within 3 s after the first message).
    const ours = async (topic: string) => (await readTopic(testKafkaBrokers(), topic, 1, { settleMs: 3000 })).filter((m) => m.key?.toString() === killed);
    const drift = new Set((await ours(Topics.driftDetected.name)).map((m) => m.headers?.['event-id']?.toString()));
    const requests = new Set((await ours(Topics.trainingRunRequested.name)).map((m) => Topics.trainingRunRequested.codec.decode(m.value!).requestId));
    console.log(`monitoring killed as it raised the alert; after the restart: ${alerts.length} alert(s), ${drift.size} drift event id(s), ${requests.size} retraining request id(s)`);
    expect(alerts).toHaveLength(1);
    expect(drift.size).toBe(1);
    expect([...requests]).toEqual([alerts[0].alertId]);
  });

  it('forgets a prediction nobody labels and a label whose prediction never comes after label_join_seconds', async () => {
    await api.SetMonitoringPolicy({ modelName: expiring, labelJoinSeconds: 2, labelWindow: 10 });
    const send = (topic: typeof Topics.feedbackReceived | typeof Topics.predictionsLogged, values: Uint8Array[]) =>
      producer.send({ topic: topic.name, messages: values.map((v) => ({ key: expiring, value: Buffer.from(v), headers: { 'event-id': uniqueName('e'), 'content-type': `application/x-protobuf; type=${topic.messageType}` } })) });
    const predictions: events.PredictionLogged[] = Array.from({ length: 20 }, (_, i) => ({ requestId: `x${i}`, modelName: expiring, version: 1, features: { x1: 0.5, x2: 5 }, outputs: [1], servedAtMs: Date.now(), latencyMs: 1, row: 0, prediction: 1, role: 'stable', deploymentId: '' }));
    await send(Topics.predictionsLogged, [Topics.predictionsLogged.codec.encode({ modelName: expiring, predictions }).finish()]);
    await send(Topics.feedbackReceived, Array.from({ length: 15 }, (_, i) => Topics.feedbackReceived.codec.encode({ requestId: `orphan${i}`, modelName: expiring, label: 1, observedAtMs: Date.now(), row: 0 }).finish()));
    const sql = new SqlClient({ connectionString: testDatabaseUrl() });
    await sql.connect();
    const rows = async () => (await sql.query(`SELECT count(*) FILTER (WHERE label IS NULL)::int AS predictions, count(*) FILTER (WHERE version IS NULL)::int AS labels, count(*) FILTER (WHERE joined)::int AS joined FROM "${monitoring.schema}".label_join WHERE model_name = $1`, [expiring])).rows[0];
    const counter = async (outcome: string) => {
      const text = await (await fetch(`${monitoring.httpUrl}/metrics`, { headers: authHeaders() })).text();
      return Number(new RegExp(`mlops_monitoring_labels_total\\{[^}]*model="${expiring}"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    try {
      const waiting = await waitFor(async () => {
        const r = await rows();
        return r.predictions === 20 && r.labels === 15 ? r : undefined;
      }, { what: 'both sides waiting' });
      await waitFor(async () => (await counter('expired')) === 15 && (await rows()).predictions === 0 && (await rows()).labels === 0, { timeoutMs: 30_000, what: 'both sides forgotten' });
      // Labels for the forgotten predictions come too late: they wait alone, nothing is joined.
      await send(Topics.feedbackReceived, predictions.map((p) => Topics.feedbackReceived.codec.encode({ requestId: p.requestId, modelName: expiring, label: 1, observedAtMs: Date.now(), row: 0 }).finish()));
      const late = await waitFor(async () => {
        const r = await rows();
        return r.labels === 20 ? r : undefined;
      }, { what: 'the late labels' });
      console.log(`label join expiry (2 s): ${waiting.predictions} predictions and ${waiting.labels} labels waited, all forgotten (${await counter('expired')} labels counted expired); 20 late labels then waiting alone, ${late.joined} joined`);
      expect(late).toEqual({ predictions: 0, labels: 20, joined: 0 });
      expect(await counter('joined')).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('two replicas share the prediction log and the labels: each label joined once, one alert, a killed replica hands over', async () => {
    // One window of 1200 labelled rows, a quarter of them wrong: judged once, when the last label
    // is joined (a lost label leaves it short; a label joined twice fills it early and shows in the count).
    await api.SetMonitoringPolicy({ modelName: shared, windowSize: 1000, evaluateEvery: 500, consecutive: 1, clearAfter: 2, cooldownSeconds: 600, labelWindow: 1200, maxDegradation: 0.1 });
    const env = { REGISTRY_GRPC_URL: registry.grpcAddress, FEATURE_STORE_GRPC_URL: featureStore.grpcAddress, MONITORING_DB_SCHEMA: monitoring.schema, MONITORING_CONSUMER_GROUP: `monitoring-${monitoring.schema}`, KAFKA_SESSION_TIMEOUT_MS: '10000' };
    await monitoring.stop();
    [monitoring, second] = await Promise.all([startPlatformService('monitoring', { env }), startPlatformService('monitoring', { env })]);
    api.close();
    api = grpcClient(monitoring.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
    await waitForGroupMembers(testKafkaBrokers(), env.MONITORING_CONSUMER_GROUP, 2);
    const joinedBy = async (replica: RunningService) => {
      const text = await (await fetch(`${replica.httpUrl}/metrics`, { headers: authHeaders() })).text();
      const match = new RegExp(`mlops_monitoring_labels_total\\{[^}]*model="${shared}"[^}]*outcome="joined"[^}]*\\} (\\d+)`).exec(text);
      return Number(match?.[1] ?? 0);
    };
    for (let i = 0; i < 3; i++) await serveLabelled(shared, 100, 25, true);
    // Poison amid the labels: dead-lettered one by one with the reason; the labels around them count.
    const poison = `${shared}/poison`;
    await producer.send({
      topic: Topics.feedbackReceived.name,
      messages: [
        { key: poison, value: Buffer.from([0x0a, 0xff, 0xff, 0xff]), headers: { 'content-type': `application/x-protobuf; type=${Topics.feedbackReceived.messageType}` } },
        { key: poison, value: Buffer.from('{"request_id": "x", "label": '), headers: { 'content-type': 'application/json' } },
      ],
    });
    for (let i = 0; i < 3; i++) await serveLabelled(shared, 100, 25, true);
    const before = await waitFor(async () => {
      const counts = [await joinedBy(monitoring), await joinedBy(second!)];
      return counts[0] + counts[1] >= 500 && counts[0] > 0 && counts[1] > 0 ? counts : undefined;
    }, { timeoutMs: 60_000, what: 'both replicas joining labels' });
    // Replica one dies mid-stream; the rest of the stream reaches its partitions after the group
    // notices (session timeout) and hands them to replica two.
    expect(await monitoring.proc.stop('SIGKILL')).toBe(null);
    for (let i = 0; i < 6; i++) await serveLabelled(shared, 100, 25, true);
    const survivor = grpcClient(second.grpcAddress, 'mlops/monitoring/v1/monitoring.proto', 'mlops.monitoring.v1.MonitoringService');
    try {
      const report = await waitFor(async () => survivor.GetPerformanceReport({ modelName: shared }).catch(() => undefined), { timeoutMs: 120_000, what: 'the window of all 1200 labels judged' });
      const sql = new SqlClient({ connectionString: testDatabaseUrl() });
      await sql.connect();
      const [rows] = (await sql.query(`SELECT count(*)::int AS n, count(DISTINCT (request_id, "row"))::int AS distinct_rows FROM "${monitoring.schema}".labelled_predictions WHERE model_name = $1`, [shared])).rows;
      const [join] = (await sql.query(`SELECT count(*) FILTER (WHERE joined)::int AS joined, count(*) FILTER (WHERE NOT joined)::int AS waiting FROM "${monitoring.schema}".label_join WHERE model_name = $1`, [shared])).rows;
      await sql.end();
      // The join's own record: every row joined, nothing left waiting.
      expect(join).toEqual({ joined: 1200, waiting: 0 });
      const { alerts } = await survivor.ListAlerts({ modelName: shared });
      const dead: string[] = [];
      await readTopicUntil(testKafkaBrokers(), RawTopics.deadLetters, (batch) => {
        // The broker is shared: monitoring processes of other runs (other groups) dead-letter the poison too.
        for (const m of batch) if (m.key?.toString() === poison && m.headers?.['dlq-consumer-group']?.toString() === env.MONITORING_CONSUMER_GROUP) dead.push(`${m.headers?.['dlq-error-kind']}: ${m.headers?.['dlq-error']}`);
        return dead.length >= 2;
      });
      console.log(`poison labels dead-lettered: ${dead.join(' | ')}`);
      expect(dead).toEqual([expect.stringMatching(/^poison: .*FeedbackReceived/), expect.stringMatching(/^poison: .*JSON/i)]);
      console.log(`2 replicas (one killed after ${before[0]} + ${before[1]} joins): 1200 labels sent, ${rows.n} joined, ${rows.n - rows.distinct_rows} duplicated, ${1200 - rows.distinct_rows} lost; window accuracy ${report.current.accuracy}; ${alerts.length} alert(s)`);
      expect(rows).toEqual({ n: 1200, distinct_rows: 1200 });
      expect(report).toMatchObject({ labelled: 1200, degraded: true });
      expect(report.current.accuracy).toBeCloseTo(0.75, 12);
      expect(alerts).toEqual([expect.objectContaining({ kind: 'performance', sampleSize: 1200, retrainRequested: true })]);
    } finally {
      survivor.close();
    }
  });
});

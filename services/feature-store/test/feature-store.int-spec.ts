import { Topics } from '@mlops/contracts';
import { type RunningService, grpcClient, httpGet, readTopic, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 1);

/** Feature views, online lookups and point-in-time snapshots, with ingestion as the real upstream. */
describe('feature store', () => {
  let ingestionSvc: RunningService;
  let store: RunningService;
  let ingest: ReturnType<typeof grpcClient>;
  let api: ReturnType<typeof grpcClient>;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');

  const tripsDataset = (dataset: string) => ({
    dataset,
    entityColumn: 'driver_id',
    eventTimeColumn: 'ts',
    labelColumn: 'tipped',
    columns: [
      { name: 'driver_id', type: 'COLUMN_TYPE_STRING' },
      { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
      { name: 'fare', type: 'COLUMN_TYPE_FLOAT' },
      { name: 'payment', type: 'COLUMN_TYPE_STRING', categories: ['card', 'cash'] },
      { name: 'tipped', type: 'COLUMN_TYPE_INT', nullable: true },
    ],
  });
  const record = (driver: string, minute: number, fare: number, payment = 'card', tipped = 0) => ({
    recordId: `${driver}-${minute}`,
    fields: { driver_id: { stringValue: driver }, ts: { timestampMs: T0 + minute * MIN }, fare: { floatValue: fare }, payment: { stringValue: payment }, tipped: { intValue: tipped } },
  });
  const view = (viewName: string, dataset: string, ttlSeconds = 0) => ({
    name: viewName,
    sourceDataset: dataset,
    ttlSeconds,
    features: [
      { name: 'fare', column: { column: 'fare' } },
      { name: 'log_fare', expression: { expr: 'log1p(fare)' } },
      { name: 'fare_band', bucketize: { column: 'fare', boundaries: [10, 20] } },
      { name: 'pay', oneHot: { column: 'payment', categories: ['card', 'cash'] } },
      { name: 'trips_1h', window: { function: 'AGGREGATE_FUNCTION_COUNT', windowSeconds: 3600 } },
      { name: 'fare_sum_1h', window: { column: 'fare', function: 'AGGREGATE_FUNCTION_SUM', windowSeconds: 3600 } },
    ],
  });
  const numbers = (values: { numberValue?: number }[]) => values.map((v) => v.numberValue ?? null);

  beforeAll(async () => {
    ingestionSvc = await startPlatformService('ingestion');
    store = await startPlatformService('feature-store', { env: { INGESTION_GRPC_URL: ingestionSvc.grpcAddress } });
    ingest = grpcClient(ingestionSvc.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    api = grpcClient(store.grpcAddress, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
  });
  afterAll(async () => {
    ingest?.close();
    api?.close();
    await store?.stop();
    await ingestionSvc?.stop();
  });

  it('answers health checks and reads while it builds a big snapshot (the join runs in a worker thread)', async () => {
    const dataset = name('busy');
    await ingest.RegisterDataset(tripsDataset(dataset));
    const v = view(name('busy-view'), dataset);
    await api.RegisterFeatureView(v);
    // 100,000 trips of 500 drivers, a trip every minute each: the 1-hour windows see 60 rows per spine row.
    const trips = Array.from({ length: 100_000 }, (_, i) => record(`d${i % 500}`, Math.floor(i / 500), 5 + (i % 37), i % 3 ? 'card' : 'cash', i % 2));
    for (let i = 0; i < trips.length; i += 5000) await ingest.IngestRecords({ dataset, records: trips.slice(i, i + 5000) });
    let building = true;
    let slowest = 0;
    let probes = 0;
    const probing = (async () => {
      while (building) {
        const t0 = performance.now();
        expect((await httpGet(`${store.httpUrl}/health/live`)).status).toBe(200);
        await api.GetFeatureView({ name: v.name });
        slowest = Math.max(slowest, performance.now() - t0);
        probes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const snapshot = await api.CreateSnapshot({ featureView: v.name, cutDatasetVersion: true }).finally(() => (building = false));
    await probing;
    console.log(`snapshot of ${snapshot.rowCount} rows built in ${snapshot.buildMs} ms; ${probes} probes meanwhile (liveness + GetFeatureView), slowest ${slowest.toFixed(0)} ms`);
    expect(snapshot.rowCount).toBe(100_000);
    // On the event loop the join held every answer for its whole length; in its thread, answers stay prompt.
    expect(slowest).toBeLessThan(1000);
  }, 240_000);

  it('serves the latest values online, reports missing entities, and follows updates', async () => {
    const dataset = name('online');
    await ingest.RegisterDataset(tripsDataset(dataset));
    await ingest.IngestRecords({ dataset, records: [record('d1', 0, 5), record('d1', 30, 15, 'cash'), record('d2', 10, 25)] });
    // Registered after the first records: it is backfilled.
    const registered = await api.RegisterFeatureView(view(name('v'), dataset));
    expect(registered).toMatchObject({ version: 1, entityColumn: 'driver_id', featureNames: ['fare', 'log_fare', 'fare_band', 'pay__card', 'pay__cash', 'trips_1h', 'fare_sum_1h'] });

    const first = await waitFor(async () => {
      const r = await api.GetOnlineFeatures({ featureView: registered.name, entityKeys: ['d1', 'd2', 'nobody'] });
      // d1 and d2 may be in different entity buckets (partitions), materialized independently: wait for both.
      return r.entities[0].status === 'ENTITY_STATUS_PRESENT' && r.entities[1].status === 'ENTITY_STATUS_PRESENT' && r;
    });
    expect(first.entities.map((e: { status: string }) => e.status)).toEqual(['ENTITY_STATUS_PRESENT', 'ENTITY_STATUS_PRESENT', 'ENTITY_STATUS_MISSING']);
    expect(numbers(first.entities[0].values)).toEqual([15, Math.log1p(15), 1, 0, 1, 2, 20]);
    expect(first.entities[0].eventTimeMs).toBe(T0 + 30 * MIN);
    expect(first.entities[0].freshnessMs).toBeGreaterThan(0);

    // A newer record updates the entity.
    await ingest.IngestRecords({ dataset, records: [record('d1', 50, 40)] });
    const updated = await waitFor(async () => {
      const r = await api.GetOnlineFeatures({ featureView: registered.name, entityKeys: ['d1'] });
      return r.entities[0].eventTimeMs === T0 + 50 * MIN && r;
    });
    expect(numbers(updated.entities[0].values)).toEqual([40, Math.log1p(40), 2, 1, 0, 3, 5 + 15 + 40]);
    // A late, older record does not replace the latest values; it does count in the window.
    await ingest.IngestRecords({ dataset, records: [record('d1', 40, 99)] });
    const settled = await waitFor(async () => {
      const r = await api.GetOnlineFeatures({ featureView: registered.name, entityKeys: ['d1'] });
      return numbers(r.entities[0].values)[5] === 4 && r;
    });
    expect(settled.entities[0].eventTimeMs).toBe(T0 + 50 * MIN);
    expect(numbers(settled.entities[0].values)).toEqual([40, Math.log1p(40), 2, 1, 0, 4, 5 + 15 + 40 + 99]);
  });

  it('reports values older than the TTL as expired', async () => {
    const dataset = name('ttl');
    await ingest.RegisterDataset(tripsDataset(dataset));
    const v = await api.RegisterFeatureView(view(name('vt'), dataset, 60));
    await ingest.IngestRecords({ dataset, records: [record('old', 0, 5)] });
    const r = await waitFor(async () => {
      const res = await api.GetOnlineFeatures({ featureView: v.name, entityKeys: ['old'] });
      return res.entities[0].status !== 'ENTITY_STATUS_MISSING' && res;
    });
    expect(r.entities[0]).toMatchObject({ status: 'ENTITY_STATUS_EXPIRED' });
    expect(numbers(r.entities[0].values)[0]).toBe(5);
  });

  it('builds point-in-time correct snapshots with lineage and profiles', async () => {
    const dataset = name('pit');
    await ingest.RegisterDataset(tripsDataset(dataset));
    await ingest.IngestRecords({ dataset, records: [record('a', 0, 10, 'card', 1), record('a', 20, 30, 'cash', 0), record('b', 5, 50, 'card', 1)] });
    const v = await api.RegisterFeatureView(view(name('vp'), dataset));

    const spine = [
      { entityKey: 'a', timestampMs: T0 + 10 * MIN, label: { numberValue: 1 } },
      { entityKey: 'b', timestampMs: T0 + 2 * MIN, label: { numberValue: 0 } },
    ];
    const snapshot = await api.CreateSnapshot({ featureView: v.name, cutDatasetVersion: true, spine, requestedByRunId: 'run-1' });
    const version = await ingest.GetDatasetVersion({ dataset, version: 0 });
    expect(snapshot).toMatchObject({ featureView: v.name, featureViewVersion: 1, dataset, datasetVersion: version.version, datasetContentHash: version.contentHash, rowCount: 2, requestedByRunId: 'run-1' });
    expect(snapshot.snapshotId).toBe(snapshot.contentHash.slice(0, 32));

    const rows = await api.ReadSnapshot({ snapshotId: snapshot.snapshotId });
    expect(rows.map((r: { entityKey: string }) => r.entityKey)).toEqual(['b', 'a']);
    // b at t=2 has no record yet (its first is at t=5); a at t=10 must see fare 10, not the later 30.
    expect(numbers(rows[0].values)).toEqual([null, null, null, null, null, 0, 0]);
    expect(numbers(rows[1].values)).toEqual([10, Math.log1p(10), 1, 1, 0, 1, 10]);
    expect(rows[1].label).toEqual({ numberValue: 1 });

    const fare = snapshot.profiles.find((p: { feature: string }) => p.feature === 'fare');
    expect(fare.numeric).toMatchObject({ count: 1, nulls: 1, mean: 10, min: 10, max: 10 });
    expect(snapshot.profiles.map((p: { feature: string }) => p.feature)).toEqual([...v.featureNames, 'label']);

    const again = await api.CreateSnapshot({ featureView: v.name, datasetVersion: version.version, spine: [...spine].reverse(), requestedByRunId: 'run-2' });
    expect(again.snapshotId).toBe(snapshot.snapshotId);

    // A dataset spine: every record of the version, labelled with the dataset's label column.
    const full = await api.CreateSnapshot({ featureView: v.name, datasetVersion: version.version });
    expect(full.rowCount).toBe(3);
    const fullRows = await api.ReadSnapshot({ snapshotId: full.snapshotId });
    expect(fullRows.map((r: { label: { numberValue: number } }) => r.label.numberValue)).toEqual([1, 1, 0]);

    const event = await waitFor(async () =>
      (await readTopic(testKafkaBrokers(), Topics.snapshotCreated.name, 1, { settleMs: 500 }))
        .map((m) => Topics.snapshotCreated.codec.decode(m.value!))
        .find((e) => e.snapshotId === snapshot.snapshotId),
    );
    expect(event).toMatchObject({ datasetVersion: version.version, datasetContentHash: version.contentHash, rowCount: 2, featureNames: v.featureNames });
  });

  it('lists snapshots newest first, a page at a time, without their profiles', async () => {
    const dataset = name('list');
    await ingest.RegisterDataset(tripsDataset(dataset));
    await ingest.IngestRecords({ dataset, records: [record('a', 0, 10), record('b', 5, 20)] });
    const [v, other] = [await api.RegisterFeatureView(view(name('vl'), dataset)), await api.RegisterFeatureView(view(name('vo'), dataset))];
    const { version } = await ingest.CreateDatasetVersion({ dataset });
    const snapshotAt = (viewName: string, minute: number) =>
      api.CreateSnapshot({ featureView: viewName, datasetVersion: version, spine: [{ entityKey: 'a', timestampMs: T0 + minute * MIN }] });
    const made: { snapshotId: string }[] = [];
    for (let minute = 1; minute <= 7; minute++) {
      made.push(await snapshotAt(v.name, minute));
      if (minute === 4) await snapshotAt(other.name, minute);
    }
    const newestFirst = made.map((m) => m.snapshotId).reverse();

    const pages: { snapshotId: string; profiles: unknown[] }[][] = [];
    let pageToken = '';
    do {
      const page = await api.ListSnapshots({ featureView: v.name, limit: 3, pageToken });
      pages.push(page.snapshots);
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((s) => s.snapshotId)).toEqual(newestFirst);
    // Everything GetSnapshot says, but the profiles.
    const full = await api.GetSnapshot({ snapshotId: newestFirst[0] });
    expect(full.profiles.length).toBeGreaterThan(0);
    expect(pages[0][0]).toEqual({ ...full, profiles: [] });

    const all = await api.ListSnapshots({ featureView: v.name });
    expect(all.snapshots.map((s: { snapshotId: string }) => s.snapshotId)).toEqual(newestFirst);
    expect(all.nextPageToken).toBe('');
    expect((await api.ListSnapshots({ featureView: v.name, limit: 7 })).nextPageToken).toBe('');
    expect((await api.ListSnapshots({ featureView: other.name })).snapshots).toHaveLength(1);
    // Without a view filter, every view's: the other view's snapshot sits between the fourth and fifth.
    const everything = (await api.ListSnapshots({ limit: 500 })).snapshots.map((s: { featureView: string }) => s.featureView);
    expect(everything.filter((f: string) => f === v.name || f === other.name)).toEqual([v.name, v.name, v.name, other.name, v.name, v.name, v.name, v.name]);

    await expect(api.ListSnapshots({ limit: 501 })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('limit must be between 0 and 500') });
    await expect(api.ListSnapshots({ limit: -1 })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('got -1') });
    for (const token of ['not-a-token', Buffer.from('12.abc').toString('base64url')]) {
      await expect(api.ListSnapshots({ pageToken: token })).rejects.toMatchObject({ code: 3, details: `page_token "${token}" is not one this service gave` });
    }
  });

  it('versions views without breaking readers of old versions, and refuses bad definitions', async () => {
    const dataset = name('ver');
    await ingest.RegisterDataset(tripsDataset(dataset));
    const viewName = name('vv');
    const v1 = await api.RegisterFeatureView(view(viewName, dataset));
    expect((await api.RegisterFeatureView(view(viewName, dataset))).version).toBe(1);
    const v2 = await api.RegisterFeatureView({ ...view(viewName, dataset), features: [{ name: 'fare_x2', expression: { expr: 'fare * 2' } }] });
    expect(v2.version).toBe(2);
    await ingest.IngestRecords({ dataset, records: [record('z', 0, 7)] });
    const [old, current] = await waitFor(async () => {
      const both = await Promise.all([
        api.GetOnlineFeatures({ featureView: viewName, version: 1, entityKeys: ['z'] }),
        api.GetOnlineFeatures({ featureView: viewName, entityKeys: ['z'] }),
      ]);
      return both.every((r) => r.entities[0].status === 'ENTITY_STATUS_PRESENT') && both;
    });
    expect(old.featureNames).toEqual(v1.featureNames);
    expect(numbers(old.entities[0].values)[0]).toBe(7);
    expect(current).toMatchObject({ version: 2, featureNames: ['fare_x2'] });
    expect(numbers(current.entities[0].values)).toEqual([14]);

    // Several lookups in one call answer as the single calls do, in request order.
    const batch = await api.GetOnlineFeaturesBatch({ requests: [
      { featureView: viewName, version: 1, entityKeys: ['z', 'nobody'] },
      { featureView: viewName, entityKeys: ['z'] },
    ] });
    expect(batch.responses).toHaveLength(2);
    expect(batch.responses[0]).toMatchObject({ version: 1, featureNames: v1.featureNames });
    expect(batch.responses[0].entities.map((e: { status: string }) => e.status)).toEqual(['ENTITY_STATUS_PRESENT', 'ENTITY_STATUS_MISSING']);
    expect(batch.responses[0].entities[0].values).toEqual(old.entities[0].values);
    expect(batch.responses[1]).toMatchObject({ version: 2, featureNames: ['fare_x2'] });
    expect(numbers(batch.responses[1].entities[0].values)).toEqual([14]);
    await expect(api.GetOnlineFeaturesBatch({ requests: [] })).rejects.toMatchObject({ code: 3, details: 'requests must hold 1 to 100 lookups, got 0' });
    await expect(api.GetOnlineFeaturesBatch({ requests: [{ featureView: viewName, entityKeys: ['z'] }, { featureView: 'no-such-view', entityKeys: ['z'] }] }))
      .rejects.toMatchObject({ code: 5, details: expect.stringMatching(/^requests\[1\]: .*no-such-view/) });
    await expect(api.GetOnlineFeaturesBatch({ requests: [{ featureView: viewName, entityKeys: Array.from({ length: 600 }, (_, i) => `k${i}`) }, { featureView: viewName, entityKeys: Array.from({ length: 600 }, (_, i) => `k${i}`) }] }))
      .rejects.toMatchObject({ code: 3, details: 'the lookups ask for 1200 entity keys in all; at most 1000 a call' });
    await expect(api.GetOnlineFeaturesBatch({ requests: [{ featureView: viewName, entityKeys: [] }] })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('requests[0]') });

    await expect(api.RegisterFeatureView({ ...view(viewName, dataset), features: [{ name: 'bad', expression: { expr: 'fare * payment' } }] })).rejects.toMatchObject({
      code: 3,
      details: 'invalid feature view: feature "bad": column "payment" is not numeric',
    });
    await expect(api.RegisterFeatureView({ ...view(viewName, dataset), features: [{ name: 'bad', expression: { expr: 'log(fare' } }] })).rejects.toMatchObject({ code: 3 });
    await expect(api.RegisterFeatureView(view(name('vx'), 'no-such-dataset'))).rejects.toMatchObject({ code: 5 });
    await expect(api.GetOnlineFeatures({ featureView: 'no-such-view', entityKeys: ['z'] })).rejects.toMatchObject({ code: 5 });
    await expect(api.GetOnlineFeatures({ featureView: viewName, entityKeys: [] })).rejects.toMatchObject({ code: 3 });
    await expect(api.GetSnapshot({ snapshotId: 'nope' })).rejects.toMatchObject({ code: 5 });
  });
});

import { RawTopics, Topics } from '@mlops/contracts';
import { type RunningService, grpcClient, kcatProduce, readTopic, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { trip, tripGrpc, tripsDataset } from './ingestion-fixtures';

describe('dataset versions', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');
  const records = (ids: number[]) => ids.map((i) => tripGrpc(i, `r-${String(i).padStart(3, '0')}`));

  beforeAll(async () => {
    service = await startPlatformService('ingestion');
    api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
  });

  it('cuts immutable versions whose hash depends on the data only', async () => {
    const [a, b] = [name('va'), name('vb')];
    await api.RegisterDataset(tripsDataset(a));
    await api.RegisterDataset(tripsDataset(b));
    await api.IngestRecords({ dataset: a, records: records([1, 2, 3, 4, 5, 6]) });
    // The same records, in another order and in two batches.
    await api.IngestRecords({ dataset: b, records: records([6, 5, 4]) });
    await api.IngestRecords({ dataset: b, records: records([3, 2, 1]) });

    const v1 = await api.CreateDatasetVersion({ dataset: a, name: 'first' });
    expect(v1).toMatchObject({ dataset: a, version: 1, name: 'first', rowCount: 6, schemaVersion: 1, trigger: 'request', minEventTimeMs: trip(1).ts, maxEventTimeMs: trip(6).ts });
    expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await api.CreateDatasetVersion({ dataset: b })).contentHash).toBe(v1.contentHash);

    await api.IngestRecords({ dataset: a, records: records([7]) });
    const v2 = await api.CreateDatasetVersion({ dataset: a });
    expect(v2).toMatchObject({ version: 2, rowCount: 7 });
    expect(v2.contentHash).not.toBe(v1.contentHash);
    expect(await api.GetDatasetVersion({ dataset: a, version: 1 })).toEqual(v1);
    // Versions page, oldest first; a token this service did not give is refused.
    const first = await api.ListDatasetVersions({ dataset: a, limit: 1 });
    expect([first.versions.map((v: { version: number }) => v.version), first.nextPageToken]).toEqual([[1], expect.any(String)]);
    expect(await api.ListDatasetVersions({ dataset: a, limit: 1, pageToken: first.nextPageToken })).toMatchObject({ versions: [{ version: 2 }], nextPageToken: '' });
    await expect(api.ListDatasetVersions({ dataset: a, pageToken: 'x' })).rejects.toMatchObject({ code: 3 });
    await expect(api.ListDatasetVersions({ dataset: a, limit: 1001 })).rejects.toMatchObject({ code: 3 });
    const datasets = await api.ListDatasets({ limit: 1 });
    expect(datasets.datasets).toHaveLength(1);
    expect(datasets.nextPageToken).not.toBe('');
    expect((await api.ListDatasets({ limit: 1, pageToken: datasets.nextPageToken })).datasets[0].dataset > datasets.datasets[0].dataset).toBe(true);

    const rows = await api.ReadDatasetVersion({ dataset: a, version: 1 });
    expect(rows.map((r: { recordId: string }) => r.recordId)).toEqual(['r-001', 'r-002', 'r-003', 'r-004', 'r-005', 'r-006']);
    expect(rows[0].fields).toMatchObject({ driver_id: { intValue: 1 }, ts: { timestampMs: trip(1).ts }, payment: { stringValue: 'card' } });
    // The same records many to a message: batches of 4 and the rest, in the same order with the same fields.
    const batches = await api.ReadDatasetVersionBatches({ dataset: a, version: 1, batchSize: 4 });
    expect(batches.map((b: { records: unknown[] }) => b.records.length)).toEqual([4, 2]);
    expect(batches.flatMap((b: { records: unknown[] }) => b.records)).toEqual(rows);
    expect(await api.ReadDatasetVersionBatches({ dataset: a, version: 1 })).toEqual([{ records: rows }]);
    await expect(api.ReadDatasetVersionBatches({ dataset: a, version: 1, batchSize: 10_001 })).rejects.toMatchObject({ code: 3, details: 'batch_size must be between 1 and 10000 (0 for 1000), got 10001' });
    await expect(api.ReadDatasetVersionBatches({ dataset: a, version: 9 })).rejects.toMatchObject({ code: 5 });

    await expect(api.CreateDatasetVersion({ dataset: a, name: 'first' })).rejects.toMatchObject({ code: 6, details: `dataset "${a}" already has a version named "first"` });
    await expect(api.GetDatasetVersion({ dataset: a, version: 9 })).rejects.toMatchObject({ code: 5 });

    const announced = await waitFor(async () => {
      const events = (await readTopic(testKafkaBrokers(), Topics.datasetVersionCreated.name, 1, { settleMs: 500 })).map((m) => Topics.datasetVersionCreated.codec.decode(m.value!));
      return events.find((e) => e.dataset === a && e.version === 1);
    });
    expect(announced).toMatchObject({ rowCount: 6, contentHash: v1.contentHash, name: 'first', trigger: 'request' });
  });

  it('cuts versions on a record-count schedule', async () => {
    const c = name('vc');
    await api.RegisterDataset(tripsDataset(c, { versionEveryRecords: 5 }));
    for (const batch of [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]) await api.IngestRecords({ dataset: c, records: records(batch) });
    const { versions } = await api.ListDatasetVersions({ dataset: c });
    expect(versions.map((v: { rowCount: number; trigger: string }) => [v.rowCount, v.trigger])).toEqual([[8, 'records']]);
  });

  it('cuts versions on a time schedule, recording the Kafka offsets they cover', async () => {
    const d = name('vd');
    await api.RegisterDataset(tripsDataset(d, { versionEverySeconds: 1 }));
    await kcatProduce(testKafkaBrokers(), RawTopics.recordsReceived, [1, 2, 3].map((i) => JSON.stringify({ dataset: d, fields: trip(i) })));
    // The records may land on different partitions and be stored a moment apart (a new consumer
    // group catches up on the shared topic's history first): the first scheduled version may
    // hold only some of them, a later one (versions are cumulative) holds all three.
    type Version = { version: number; rowCount: number; trigger: string; offsets: string[] };
    const versions: Version[] = await waitFor(async () => {
      const v: Version[] = (await api.ListDatasetVersions({ dataset: d })).versions;
      return v.length > 0 && Math.max(...v.map((x) => x.rowCount)) === 3 && v;
    }, { timeoutMs: 90_000, what: 'scheduled versions covering the 3 records' });
    expect(versions[0]).toMatchObject({ version: 1, trigger: 'schedule' });
    expect(versions.every((v) => v.trigger === 'schedule')).toBe(true);
    expect(versions[0].offsets.length).toBeGreaterThan(0);
    expect(versions[0].offsets[0]).toMatch(/^\d+:\d+$/);
  });
});

import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { RawTopics, Topics } from '@mlops/contracts';
import { type RunningService, grpcClient, kcatProduce, readTopicUntil, startPlatformService, testDatabaseUrl, testKafkaBrokers, uniqueName, waitFor, authHeaders } from '@mlops/testing';
import { trip, tripGrpc, tripProto, tripsDataset } from './ingestion-fixtures';

/** The record pipeline against the real broker and database, through the service's public faces. */
describe('ingestion records', () => {
  const brokers = testKafkaBrokers();
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  let db: Client;

  beforeAll(async () => {
    service = await startPlatformService('ingestion');
    api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    api?.close();
    await db?.end();
    await service?.stop();
  });

  const stored = async (dataset: string) =>
    Number((await db.query(`SELECT count(*) FROM "${service.schema}".records WHERE dataset = $1`, [dataset])).rows[0].count);
  const produce = async (messages: { value: Buffer | string; headers?: Record<string, string> }[]) => {
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: RawTopics.recordsReceived, messages });
    await producer.disconnect();
  };

  it('stores kcat JSON records and protobuf records from the input topic', async () => {
    const dataset = uniqueName('trips').replace(/_/g, '-');
    await api.RegisterDataset(tripsDataset(dataset));
    await kcatProduce(brokers, RawTopics.recordsReceived, [0, 1, 2].map((i) => JSON.stringify({ dataset, record_id: `json-${i}`, fields: { ...trip(i), ts: new Date(trip(i).ts).toISOString() } })));
    await produce([3, 4].map((i) => ({ value: tripProto(dataset, i), headers: { 'content-type': 'application/x-protobuf; type=mlops.ingestion.v1.Record' } })));

    await waitFor(async () => (await stored(dataset)) === 5, { what: '5 stored records' });
    const rows = (await db.query(`SELECT record_id, entity_key, event_time, fields FROM "${service.schema}".records WHERE dataset = $1 ORDER BY record_id`, [dataset])).rows;
    expect(rows.map((r) => r.record_id)).toEqual(['json-0', 'json-1', 'json-2', 'proto-3', 'proto-4']);
    expect(rows[1]).toMatchObject({ entity_key: '1', event_time: new Date(trip(1).ts), fields: trip(1) });
    expect(rows[4].fields).toEqual(trip(4));
    expect(await api.GetDataset({ dataset })).toMatchObject({ dataset, schemaVersion: 1, recordCount: 5 });
  });

  it('dead-letters each kind of bad record with its reason, and stores the good ones around them', async () => {
    const dataset = uniqueName('bad').replace(/_/g, '-');
    await api.RegisterDataset(tripsDataset(dataset));
    const json = (fields: Record<string, unknown>, extra = {}) => JSON.stringify({ dataset, fields, ...extra });
    const lines = [
      json(trip(1)),
      `{"dataset":"${dataset}","fields":{"fare":`,
      JSON.stringify({ dataset: `${dataset}-unknown`, fields: trip(2) }),
      json({ ...trip(3), fare: undefined }),
      json({ ...trip(4), fare: 'twelve' }),
      json({ ...trip(5), fare: -1 }),
      json({ ...trip(6), payment: 'bitcoin' }),
      json({ ...trip(7), surprise: true }),
      json({ ...trip(8), payment: 'x'.repeat(70 * 1024) }),
      json({ ...trip(9), ts: 'not a time' }),
      json(trip(10)),
    ];
    await kcatProduce(brokers, RawTopics.recordsReceived, lines);
    // A length-delimited field that claims more bytes than follow.
    await produce([{ value: Buffer.concat([Buffer.from([0x0a, 0x7f]), Buffer.from(dataset)]), headers: { 'content-type': 'application/x-protobuf' } }]);

    await waitFor(async () => (await stored(dataset)) === 2, { what: 'the two good records' });
    const expected = ['MALFORMED_JSON', 'UNKNOWN_DATASET', 'MISSING_FIELD', 'TYPE_MISMATCH', 'OUT_OF_RANGE', 'UNKNOWN_CATEGORY', 'UNKNOWN_FIELD', 'OVERSIZE', 'INVALID_TIMESTAMP', 'MALFORMED_PROTOBUF'];
    const mine = (payload: Buffer | Uint8Array) => Buffer.from(payload).includes(dataset);
    const rejected = await waitFor(
      async () => {
        const { records } = await api.ListRejectedRecords({ limit: 1000 });
        const ours = (records as { reasonCode: string; reason: string; payload: Buffer }[]).filter((r) => mine(r.payload));
        return ours.length === expected.length && ours;
      },
      { what: 'ten rejected records' },
    );
    expect(rejected.map((r) => r.reasonCode).sort()).toEqual([...expected].sort());
    expect(rejected.find((r) => r.reasonCode === 'OUT_OF_RANGE')!.reason).toBe('field "fare" = -1 is below the minimum 0');
    expect(rejected.find((r) => r.reasonCode === 'UNKNOWN_DATASET')!.reason).toBe(`dataset "${dataset}-unknown" is not registered`);

    // Read until this test's ten are in: the topic holds every earlier run's dead letters too.
    const deadLetters: ReturnType<typeof Topics.recordsRejected.codec.decode>[] = [];
    await readTopicUntil(brokers, Topics.recordsRejected.name, (batch) => {
      deadLetters.push(...batch.map((m) => Topics.recordsRejected.codec.decode(m.value!)).filter((e) => mine(e.payload)));
      return deadLetters.length >= expected.length;
    }, { timeoutMs: 60_000, what: 'the ten dead letters' });
    expect(deadLetters.map((e) => e.reasonCode).sort()).toEqual([...expected].sort());
    expect(deadLetters.find((e) => e.reasonCode === 'MISSING_FIELD')!.reason).toBe('field "fare" is required (float) but missing');
  });

  it('answers gRPC batches and streams with per-record results, and stores a repeated batch once', async () => {
    const dataset = uniqueName('grpc').replace(/_/g, '-');
    await api.RegisterDataset(tripsDataset(dataset));
    const batch = { dataset, records: [tripGrpc(1, 'a'), { ...tripGrpc(2, 'b'), fields: { ...tripGrpc(2).fields, fare: { floatValue: 5000 } } }, tripGrpc(3)] };
    const first = await api.IngestRecords(batch);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(first.results[1]).toMatchObject({ index: 1, outcome: 'RECORD_OUTCOME_REJECTED', reasonCode: 'OUT_OF_RANGE', reason: 'field "fare" = 5000 is above the maximum 1000' });
    expect(first.results[2].recordId).toMatch(/^[0-9a-f]{32}$/);

    const again = await api.IngestRecords(batch);
    expect(again).toMatchObject({ accepted: 0, duplicates: 2, rejected: 1 });
    expect(again.results[2].recordId).toBe(first.results[2].recordId);

    // Part stored, part new, one id twice in the batch: the binary COPY meets the stored id, falls
    // back to INSERT ... ON CONFLICT under its savepoint, and stores the new id once.
    const mixed = await api.IngestRecords({ dataset, records: [tripGrpc(1, 'a'), tripGrpc(4, 'd'), tripGrpc(5, 'd')] });
    expect(mixed).toMatchObject({ accepted: 1, duplicates: 2, rejected: 0 });
    expect(mixed.results.map((r: { outcome: string }) => r.outcome)).toEqual(['RECORD_OUTCOME_DUPLICATE', 'RECORD_OUTCOME_ACCEPTED', 'RECORD_OUTCOME_DUPLICATE']);
    expect((await db.query(`SELECT (fields->>'fare')::float AS fare FROM "${service.schema}".records WHERE dataset = $1 AND record_id = 'd'`, [dataset])).rows).toEqual([
      { fare: tripGrpc(4, 'd').fields.fare.floatValue },
    ]);

    const streamed = await api.StreamRecords([
      { dataset, records: [tripGrpc(10, 's1'), tripGrpc(11, 's2')] },
      { dataset, records: [tripGrpc(12, 's3'), tripGrpc(10, 's1')] },
    ]);
    expect(streamed).toMatchObject({ accepted: 3, duplicates: 1, rejected: 0 });
    expect(streamed.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3]);
    expect(await stored(dataset)).toBe(6);

    // Every record of the three calls is counted once, by its outcome.
    const metrics = await (await fetch(`${service.httpUrl}/metrics`, { headers: authHeaders() })).text();
    for (const [outcome, n] of [['accepted', 6], ['duplicate', 5], ['rejected', 2]] as const) {
      expect(metrics).toMatch(new RegExp(`^mlops_ingestion_records_total\\{dataset="${dataset}",outcome="${outcome}",service="ingestion"\\} ${n}$`, 'm'));
    }
  });

  it('answers a stream of 120,000 records within the message limit: all counts, the refused records\' results, the rest omitted', async () => {
    const dataset = uniqueName('bigstream').replace(/_/g, '-');
    await api.RegisterDataset(tripsDataset(dataset));
    // Twelve messages of 10,000 with generated (32-character) ids, whose 120,000 results alone
    // would be over gRPC's 4 MiB; every 1,000th record has a fare above the maximum.
    const messages = Array.from({ length: 12 }, (_, m) => ({
      dataset,
      records: Array.from({ length: 10_000 }, (_, k) => {
        const i = m * 10_000 + k;
        const record = tripGrpc(i);
        return i % 1000 === 999 ? { ...record, fields: { ...record.fields, fare: { floatValue: 5000 } } } : record;
      }),
    }));
    const answer = await api.StreamRecords(messages);
    expect(answer).toMatchObject({ accepted: 119_880, duplicates: 0, rejected: 120, resultsOmitted: 119_880 });
    expect(answer.results).toHaveLength(120);
    expect(answer.results[0]).toMatchObject({ index: 999, outcome: 'RECORD_OUTCOME_REJECTED', reasonCode: 'OUT_OF_RANGE' });
    expect(await stored(dataset)).toBe(119_880);
  });

  it('pages through rejected records newest first, with the dataset and reason filters', async () => {
    const dataset = uniqueName('paged').replace(/_/g, '-');
    await api.RegisterDataset(tripsDataset(dataset));
    const tooDear = (fare: number) => ({ ...tripGrpc(fare), fields: { ...tripGrpc(fare).fields, fare: { floatValue: fare } } });
    // One call each: seven rejections in a known order, and one of another reason among them.
    for (let i = 1; i <= 7; i++) {
      await api.IngestRecords({ dataset, records: [tooDear(1000 + i)] });
      if (i === 3) await api.IngestRecords({ dataset, records: [{ ...tripGrpc(3), fields: { ...tripGrpc(3).fields, payment: { stringValue: 'bitcoin' } } }] });
    }
    const fares = (records: { reason: string }[]) => records.map((r) => Number(/= (\d+) is above/.exec(r.reason)?.[1] ?? NaN));

    const pages: { reason: string; reasonCode: string }[][] = [];
    let pageToken = '';
    do {
      const page = await api.ListRejectedRecords({ dataset, reasonCode: 'OUT_OF_RANGE', limit: 3, pageToken });
      pages.push(page.records);
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(fares(pages.flat())).toEqual([1007, 1006, 1005, 1004, 1003, 1002, 1001]);

    const all = await api.ListRejectedRecords({ dataset });
    expect(all.records.map((r: { reasonCode: string }) => r.reasonCode)).toEqual([...Array(4).fill('OUT_OF_RANGE'), 'UNKNOWN_CATEGORY', ...Array(3).fill('OUT_OF_RANGE')]);
    expect(all.nextPageToken).toBe('');
    expect((await api.ListRejectedRecords({ dataset, limit: 8 })).nextPageToken).toBe('');
    const first = await api.ListRejectedRecords({ dataset, limit: 4 });
    const rest = await api.ListRejectedRecords({ dataset, limit: 4, pageToken: first.nextPageToken });
    expect(rest.records.map((r: { reasonCode: string }) => r.reasonCode)).toEqual(['UNKNOWN_CATEGORY', 'OUT_OF_RANGE', 'OUT_OF_RANGE', 'OUT_OF_RANGE']);
    expect(rest.nextPageToken).toBe('');

    await expect(api.ListRejectedRecords({ dataset, limit: 1001 })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('limit must be between 0 and 1000') });
    for (const token of ['not-a-token', '0', '-5']) {
      await expect(api.ListRejectedRecords({ dataset, pageToken: token })).rejects.toMatchObject({ code: 3, details: `page_token "${token}" is not one this service gave` });
    }
  });

  it('stores nothing twice when another consumer group replays the whole topic', async () => {
    const before = (await db.query(`SELECT count(*)::int AS rows FROM "${service.schema}".records`)).rows[0].rows;
    const rejectedBefore = (await db.query(`SELECT count(*)::int AS n FROM "${service.schema}".rejected_records`)).rows[0].n;
    // A second replica in another group sees every message again: the same as a full redelivery.
    const replay = await startPlatformService('ingestion', { env: { INGESTION_DB_SCHEMA: service.schema, INGESTION_CONSUMER_GROUP: uniqueName('replay') } });
    try {
      await replay.proc.waitForLog((l) => l.msg === 'consuming');
      await waitFor(async () => {
        const lag = (await (await fetch(`${replay.httpUrl}/metrics`, { headers: authHeaders() })).text()).match(/mlops_kafka_consumer_lag\{[^}]*topic="ingestion.records.received.v1"[^}]*\} (\d+)/g);
        return lag !== null && lag.every((line) => line.endsWith(' 0'));
      }, { timeoutMs: 60_000, what: 'the replay to catch up' });
    } finally {
      await replay.stop();
    }
    expect((await db.query(`SELECT count(*)::int AS rows FROM "${service.schema}".records`)).rows[0].rows).toBe(before);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${service.schema}".rejected_records`)).rows[0].n).toBe(rejectedBefore);
  });

  it('refuses bad requests with clear statuses', async () => {
    const dataset = uniqueName('status').replace(/_/g, '-');
    await expect(api.GetDataset({ dataset })).rejects.toMatchObject({ code: 5, details: `dataset "${dataset}" does not exist` });
    await expect(api.RegisterDataset({ ...tripsDataset(dataset), entityColumn: 'nope' })).rejects.toMatchObject({
      code: 3,
      details: 'invalid dataset definition: entity column "nope" is not a column',
    });
    await api.RegisterDataset(tripsDataset(dataset));
    const removed = tripsDataset(dataset);
    removed.columns = removed.columns.filter((c) => c.name !== 'tip');
    await expect(api.RegisterDataset({ ...removed, labelColumn: '' })).rejects.toMatchObject({ code: 9 });
    const evolved = await api.RegisterDataset(tripsDataset(dataset, { columns: [...tripsDataset(dataset).columns, { name: 'zone', type: 'COLUMN_TYPE_STRING', nullable: true }] }));
    expect(evolved.schemaVersion).toBe(2);
    expect((await api.GetDataset({ dataset, schemaVersion: 1 })).columns).toHaveLength(5);
    await expect(api.IngestRecords({ dataset, records: Array.from({ length: 10_001 }, () => ({})) })).rejects.toMatchObject({ code: 8 });
  });
});

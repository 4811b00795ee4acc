import { createSnapshotBody } from './snapshot-request';
import { type WireSnapshotRow, checkOffset, jsonFeatureValue, pageOfRows } from './snapshot-rows';

function rowsOf(count: number, read: number[] = []): AsyncIterable<WireSnapshotRow> {
  return (async function* () {
    for (let i = 0; i < count; i++) {
      read.push(i);
      yield { entityKey: `e${i}`, timestampMs: 1000 + i, values: [{ numberValue: i }, { stringValue: 'pro' }, {}], label: i % 2 ? { numberValue: 1 } : null };
    }
  })();
}

describe('snapshot rows over HTTP', () => {
  it('writes feature values as numbers, categories or null', () => {
    expect([{ numberValue: 0 }, { numberValue: 2.5 }, { stringValue: '' }, {}, null, { numberValue: Number.NaN }].map(jsonFeatureValue)).toEqual([0, 2.5, '', null, null, null]);
  });

  it('takes one page and stops reading the stream after it', async () => {
    const read: number[] = [];
    const page = await pageOfRows(rowsOf(100, read), 10, 3);
    expect(page.more).toBe(true);
    expect(page.rows).toEqual([
      { entityKey: 'e10', timestampMs: 1010, values: [10, 'pro', null], label: null },
      { entityKey: 'e11', timestampMs: 1011, values: [11, 'pro', null], label: 1 },
      { entityKey: 'e12', timestampMs: 1012, values: [12, 'pro', null], label: null },
    ]);
    expect(read.length).toBe(14);
  });

  it('says when the last page has been read, including an exactly full one', async () => {
    expect(await pageOfRows(rowsOf(5), 3, 10)).toMatchObject({ more: false, rows: [{ entityKey: 'e3' }, { entityKey: 'e4' }] });
    expect((await pageOfRows(rowsOf(6), 3, 3)).more).toBe(false);
    expect(await pageOfRows(rowsOf(5), 5, 10)).toEqual({ rows: [], more: false });
  });

  it('refuses an offset past the end instead of answering an empty page', () => {
    expect(() => checkOffset(5, 5)).not.toThrow();
    expect(() => checkOffset(6, 5)).toThrow('offset 6 is past the end of the snapshot (5 rows)');
  });
});

describe('POST /api/snapshots body', () => {
  it('takes a view and a time range, with defaults for the rest', () => {
    expect(createSnapshotBody({ featureView: 'churn', fromTimeMs: 10, toTimeMs: 20, cutDatasetVersion: true })).toEqual({ featureView: 'churn', version: 0, datasetVersion: 0, cutDatasetVersion: true, fromTimeMs: 10, toTimeMs: 20, requestedByRunId: '' });
  });

  it('names what is wrong with a bad body', () => {
    expect(() => createSnapshotBody([])).toThrow(/JSON object with featureView/);
    expect(() => createSnapshotBody({})).toThrow('featureView is required');
    expect(() => createSnapshotBody({ featureView: 'v', spine: [] })).toThrow(/unknown field "spine"/);
    expect(() => createSnapshotBody({ featureView: 'v', fromTimeMs: '10' })).toThrow('fromTimeMs must be a whole number from 0 to 9007199254740991');
    expect(() => createSnapshotBody({ featureView: 'v', fromTimeMs: 20, toTimeMs: 10 })).toThrow('fromTimeMs (20) must be before toTimeMs (10)');
    expect(() => createSnapshotBody({ featureView: 'v', cutDatasetVersion: 'yes' })).toThrow('cutDatasetVersion must be true or false');
    expect(() => createSnapshotBody({ featureView: 'v', cutDatasetVersion: true, datasetVersion: 2 })).toThrow('give datasetVersion or cutDatasetVersion, not both');
  });
});

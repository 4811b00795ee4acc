import type { FeatureView } from '../../feature-views/domain/feature-view';
import { CompiledView } from '../../feature-views/domain/transforms';
import { groupByEntity, pointInTimeJoin, snapshotHash } from './point-in-time';

const view: FeatureView = {
  name: 'driver-stats',
  version: 1,
  sourceDataset: 'trips',
  entityColumn: 'driver_id',
  ttlSeconds: 0,
  description: '',
  createdAt: new Date(0),
  features: [
    { name: 'fare', transform: { kind: 'column', column: 'fare' } },
    { name: 'fare_x2', transform: { kind: 'expression', expr: 'fare * 2' } },
    { name: 'fare_bucket', transform: { kind: 'bucketize', column: 'fare', boundaries: [10, 20] } },
    { name: 'pay', transform: { kind: 'oneHot', column: 'payment', categories: ['card', 'cash'] } },
    { name: 'trips_10m', transform: { kind: 'window', column: '', fn: 'count', windowSeconds: 600 } },
    { name: 'fare_mean_10m', transform: { kind: 'window', column: 'fare', fn: 'mean', windowSeconds: 600 } },
  ],
  featureNames: ['fare', 'fare_x2', 'fare_bucket', 'pay__card', 'pay__cash', 'trips_10m', 'fare_mean_10m'],
};

const MIN = 60_000;
const record = (entityKey: string, minute: number, fare: number, payment = 'card', recordId = `${entityKey}-${minute}`) => ({
  entityKey,
  recordId,
  eventTimeMs: minute * MIN,
  fields: { fare, payment },
});

describe('pointInTimeJoin', () => {
  // Driver 1 had fares 5 (t=0), 15 (t=5), 25 (t=20). Driver 2 only at t=30.
  const histories = groupByEntity([record('1', 20, 25, 'cash'), record('1', 0, 5), record('1', 5, 15), record('2', 30, 40)]);

  it('uses the values known at the row time, never a later record', () => {
    // At t=10 the naive "latest value" would be 25 (from t=20): a leak from the future.
    // The window (0, 10] holds the t=5 record only (the left edge is open).
    const [row] = pointInTimeJoin(new CompiledView(view), 0, histories, [{ entityKey: '1', timestampMs: 10 * MIN, label: 1 }]);
    expect(row.values).toEqual([15, 30, 1, 1, 0, 1, 15]);
  });

  it('includes a record at exactly the row time, and windows over (t - w, t]', () => {
    const [row] = pointInTimeJoin(new CompiledView(view), 0, histories, [{ entityKey: '1', timestampMs: 20 * MIN, label: 0 }]);
    // Window (10, 20] minutes holds only the t=20 record.
    expect(row.values).toEqual([25, 50, 2, 0, 1, 1, 25]);
  });

  it('gives nulls before the first record, for unknown entities, and past the TTL', () => {
    const rows = pointInTimeJoin(new CompiledView(view), 2 * MIN, histories, [
      { entityKey: '2', timestampMs: 29 * MIN, label: null },
      { entityKey: '9', timestampMs: 29 * MIN, label: null },
      { entityKey: '1', timestampMs: 30 * MIN, label: null },
    ]);
    const byEntity = Object.fromEntries(rows.map((r) => [r.entityKey, r.values]));
    expect(byEntity['2']).toEqual([null, null, null, null, null, 0, null]);
    expect(byEntity['9']).toEqual([null, null, null, null, null, 0, null]);
    // Driver 1's latest record (t=20) is 10 minutes old, past the 2-minute TTL, and outside (20, 30].
    expect(byEntity['1']).toEqual([null, null, null, null, null, 0, null]);
  });

  it('orders rows by time then entity, so equal content hashes equally', () => {
    const spine = [
      { entityKey: '2', timestampMs: 31 * MIN, label: 1 },
      { entityKey: '1', timestampMs: 31 * MIN, label: 0 },
      { entityKey: '1', timestampMs: 6 * MIN, label: 1 },
    ];
    const compiled = new CompiledView(view);
    const a = pointInTimeJoin(compiled, 0, histories, spine);
    const b = pointInTimeJoin(compiled, 0, histories, [...spine].reverse());
    expect(a.map((r) => [r.entityKey, r.timestampMs / MIN])).toEqual([['1', 6], ['1', 31], ['2', 31]]);
    const identity = { view: 'driver-stats', version: 1, featureNames: view.featureNames };
    expect(snapshotHash(identity, a)).toBe(snapshotHash(identity, b));
    expect(snapshotHash(identity, a)).not.toBe(snapshotHash({ ...identity, version: 2 }, a));
  });

  it('breaks ties at the same time by record id', () => {
    const tied = groupByEntity([record('3', 1, 7, 'card', 'b'), record('3', 1, 9, 'card', 'a')]);
    const [row] = pointInTimeJoin(new CompiledView(view), 0, tied, [{ entityKey: '3', timestampMs: 1 * MIN, label: null }]);
    expect(row.values[0]).toBe(7);
  });
});

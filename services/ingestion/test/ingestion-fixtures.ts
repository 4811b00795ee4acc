import { ingestion } from '@mlops/contracts';
import type { AnyCall } from '@mlops/testing';

/** A trips dataset definition as a gRPC client sends it (enums as names, like any client). */
export function tripsDataset(name: string, extra: Record<string, unknown> = {}) {
  return {
    dataset: name,
    entityColumn: 'driver_id',
    eventTimeColumn: 'ts',
    labelColumn: 'tip',
    columns: [
      { name: 'driver_id', type: 'COLUMN_TYPE_INT' },
      { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
      { name: 'fare', type: 'COLUMN_TYPE_FLOAT', hasMin: true, min: 0, hasMax: true, max: 1000 },
      { name: 'payment', type: 'COLUMN_TYPE_STRING', categories: ['card', 'cash'] },
      { name: 'tip', type: 'COLUMN_TYPE_FLOAT', nullable: true },
    ],
    ...extra,
  };
}

export function trip(i: number) {
  return { driver_id: i % 10, ts: 1_790_000_000_000 + i * 1000, fare: 10 + (i % 7), payment: i % 2 ? 'card' : 'cash', tip: i % 3 };
}

/** The same record as the protobuf form of the input topic. */
export function tripProto(dataset: string, i: number): Buffer {
  const t = trip(i);
  return Buffer.from(
    ingestion.Record.encode({
      dataset,
      recordId: `proto-${i}`,
      fields: {
        driver_id: { intValue: t.driver_id },
        ts: { timestampMs: t.ts },
        fare: { floatValue: t.fare },
        payment: { stringValue: t.payment },
        tip: { floatValue: t.tip },
      },
    }).finish(),
  );
}

/** gRPC form of a record (fields as typed Values). */
export function tripGrpc(i: number, recordId = '') {
  const t = trip(i);
  return {
    recordId,
    fields: { driver_id: { intValue: t.driver_id }, ts: { timestampMs: t.ts }, fare: { floatValue: t.fare }, payment: { stringValue: t.payment }, tip: { floatValue: t.tip } },
  };
}

/** What a dataset holds, read back from a new version of it: rows, distinct record ids and the
 * sum of the fares (a checksum of the values, against the sum of what was sent). */
export async function readBack(api: Record<string, AnyCall>, dataset: string): Promise<{ rows: number; distinct: number; fares: number }> {
  const version = await api.CreateDatasetVersion({ dataset });
  const records: { recordId: string; fields: Record<string, { floatValue?: number }> }[] = await api.ReadDatasetVersion({ dataset, version: version.version });
  return { rows: records.length, distinct: new Set(records.map((r) => r.recordId)).size, fares: records.reduce((sum, r) => sum + (r.fields.fare?.floatValue ?? 0), 0) };
}

import { tripsSchema } from '../../datasets/domain/test-schema';
import { parseJsonRecord } from './incoming-record';
import { type Rejection, type ValidRecord, deriveRecordId, validateRecord } from './record-validation';

const good = { driver_id: 7, ts: '2026-11-01T10:00:00Z', fare: 12.5, payment: 'card', airport: true, tip: 2 };

describe('validateRecord', () => {
  const schema = tripsSchema();

  it('normalizes a valid record and derives a stable id', () => {
    const result = validateRecord(schema, good) as ValidRecord;
    expect(result).toEqual({
      recordId: deriveRecordId('trips', '7', Date.parse('2026-11-01T10:00:00Z'), { ...good, ts: Date.parse('2026-11-01T10:00:00Z') }),
      entityKey: '7',
      eventTimeMs: 1793527200000,
      fields: { driver_id: 7, ts: 1793527200000, fare: 12.5, payment: 'card', airport: true, tip: 2 },
    });
    // Field order does not change the id; content does.
    const reordered = validateRecord(schema, { tip: 2, airport: true, payment: 'card', fare: 12.5, ts: 1793527200000, driver_id: 7 }) as ValidRecord;
    expect(reordered.recordId).toBe(result.recordId);
    expect((validateRecord(schema, { ...good, fare: 12.6 }) as ValidRecord).recordId).not.toBe(result.recordId);
    expect((validateRecord(schema, good, 'my-id-1') as ValidRecord).recordId).toBe('my-id-1');
  });

  it('fills absent nullable fields with null', () => {
    const { airport: _a, tip: _t, ...rest } = good;
    expect((validateRecord(schema, rest) as ValidRecord).fields).toMatchObject({ airport: null, tip: null });
  });

  it.each([
    [{ ...good, extra: 1 }, 'UNKNOWN_FIELD', 'field "extra" is not a column of dataset "trips" (schema version 1)'],
    [{ ...good, fare: undefined }, 'MISSING_FIELD', 'field "fare" is required (float) but missing'],
    [{ ...good, payment: null }, 'NULL_NOT_ALLOWED', 'field "payment" must not be null'],
    [{ ...good, fare: '12.5' }, 'TYPE_MISMATCH', 'field "fare" must be a finite number, got string "12.5"'],
    [{ ...good, driver_id: 7.5 }, 'TYPE_MISMATCH', 'field "driver_id" must be an integer within ±2^53, got 7.5'],
    [{ ...good, airport: 'yes' }, 'TYPE_MISMATCH', 'field "airport" must be true or false, got string "yes"'],
    [{ ...good, ts: 'yesterday' }, 'INVALID_TIMESTAMP', 'field "ts" must be epoch milliseconds or an ISO 8601 time, got string "yesterday"'],
    [{ ...good, fare: -3 }, 'OUT_OF_RANGE', 'field "fare" = -3 is below the minimum 0'],
    [{ ...good, fare: 1e6 }, 'OUT_OF_RANGE', 'field "fare" = 1000000 is above the maximum 1000'],
    [{ ...good, payment: 'bitcoin' }, 'UNKNOWN_CATEGORY', 'field "payment" = "bitcoin" is not one of card, cash'],
    [{ ...good, payment: 'x'.repeat(5000) }, 'OVERSIZE', 'field "payment" is 5000 characters long, more than 4096'],
  ])('rejects %j as %s', (fields, code, reason) => {
    expect(validateRecord(schema, fields as Record<string, unknown>) as Rejection).toEqual({ code, reason });
  });

  it('rejects unusable record ids', () => {
    expect(validateRecord(schema, good, 'has space')).toEqual({ code: 'INVALID_RECORD_ID', reason: 'record_id must be 1 to 200 printable ASCII characters without spaces' });
  });
});

describe('parseJsonRecord', () => {
  const source = { kind: 'grpc' as const };
  const parse = (text: string, max?: number) => parseJsonRecord(Buffer.from(text), source, max);

  it('reads the documented shape', () => {
    expect(parse('{"dataset":"trips","record_id":"r1","fields":{"fare":1}}')).toMatchObject({ dataset: 'trips', recordId: 'r1', fields: { fare: 1 } });
  });

  it.each([
    ['{"dataset":"trips",', 'MALFORMED_JSON'],
    ['[1,2]', 'MALFORMED_RECORD'],
    ['{"fields":{}}', 'MALFORMED_RECORD'],
    ['{"dataset":"trips","fields":[]}', 'MALFORMED_RECORD'],
    ['{"dataset":"trips","fields":{},"fare":1}', 'MALFORMED_RECORD'],
    ['{"dataset":"trips","record_id":5,"fields":{}}', 'INVALID_RECORD_ID'],
  ])('refuses %s as %s', (text, code) => {
    expect(parse(text).parseError?.code).toBe(code);
  });

  it('refuses oversize payloads before parsing them', () => {
    expect(parse(`{"dataset":"trips","fields":{"p":"${'x'.repeat(100)}"}}`, 64).parseError).toEqual({ code: 'OVERSIZE', reason: 'record is 137 bytes, more than 64' });
  });
});

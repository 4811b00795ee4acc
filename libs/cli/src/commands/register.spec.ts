import { parseLabelLines } from './feedback';
import { parsePairs } from './models';
import { parseColumn, parseFeature, parseTime } from './register';

describe('flags of the registration commands', () => {
  it('reads columns as name:type with ? for nullable, and refuses unknown types naming the choices', () => {
    expect(parseColumn('ride_id:int')).toEqual({ name: 'ride_id', type: 'COLUMN_TYPE_INT', nullable: false });
    expect(parseColumn('note:string?')).toEqual({ name: 'note', type: 'COLUMN_TYPE_STRING', nullable: true });
    expect(() => parseColumn('x:double')).toThrow('--column "x:double" must be name:type with type one of float, int, string, bool, timestamp');
    console.log('--column: 2 accepted, 1 refused');
  });

  it('reads features as a column or name=expression', () => {
    expect(parseFeature('x1')).toEqual({ name: 'x1', column: { column: 'x1' } });
    expect(parseFeature('fare_per_km=fare / (distance + 1)')).toEqual({ name: 'fare_per_km', expression: { expr: 'fare / (distance + 1)' } });
    expect(parseFeature('renamed=x1')).toEqual({ name: 'renamed', column: { column: 'x1' } });
    expect(() => parseFeature('=x')).toThrow('must be a column name or name=expression');
    console.log('--feature: column, expression, renamed column; empty name refused');
  });

  it('reads key=value pairs, numbers where asked, and times as ms or ISO 8601', () => {
    expect(parsePairs(['team=ml', 'note=a=b'], 'tag', 'models create')).toEqual({ team: 'ml', note: 'a=b' });
    expect(parsePairs(['accuracy=0.91'], 'metric', 'models upload', true)).toEqual({ accuracy: 0.91 });
    expect(() => parsePairs(['accuracy=high'], 'metric', 'models upload', true)).toThrow('--metric accuracy: "high" is not a number');
    expect(() => parsePairs(['=x'], 'tag', 'models create')).toThrow('--tag "=x" must be key=value');
    expect(parseTime('2026-11-01T00:00:00Z', 'from')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTime('1700000000000', 'from')).toBe(1_700_000_000_000);
    expect(() => parseTime('yesterday', 'from')).toThrow('--from must be epoch milliseconds or an ISO 8601 time');
    console.log('pairs and times parsed; bad ones refused by name');
  });

  it('reads a JSON-lines label file, naming the line of a bad one', () => {
    const labels = parseLabelLines('{"requestId":"a","label":1}\n\n{"requestId":"b","label":0,"row":2,"observedAtMs":5}\n', 'labels.jsonl', 99);
    expect(labels).toEqual([{ requestId: 'a', label: 1, row: 0, observedAtMs: 99 }, { requestId: 'b', label: 0, row: 2, observedAtMs: 5 }]);
    expect(() => parseLabelLines('{"requestId":"a","label":1}\n{"requestId":"b"}', 'labels.jsonl', 0)).toThrow('labels.jsonl:2: label must be a number');
    expect(() => parseLabelLines('nope', 'labels.jsonl', 0)).toThrow('labels.jsonl:1: not a JSON object');
    console.log('label file: 2 labels read, bad lines named');
  });
});

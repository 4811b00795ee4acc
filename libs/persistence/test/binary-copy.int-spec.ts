import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BinaryCopyEncoder, type CopyColumn, copyInto } from '../src';

// The encoder against the real server: what COPY (FORMAT binary) stores must read back as the
// values written, for every type, nulls and multi-byte text included, and a payload larger than
// one stream chunk must arrive whole.
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mlops_test';
const schema = `t_copy_${randomBytes(4).toString('hex')}`;
const columns: CopyColumn[] = [
  { name: 't', type: 'text' },
  { name: 'i4', type: 'int4' },
  { name: 'i8', type: 'int8' },
  { name: 'f8', type: 'float8' },
  { name: 'b', type: 'bool' },
  { name: 'ts', type: 'timestamptz' },
  { name: 'j', type: 'jsonb' },
  { name: 'raw', type: 'bytea' },
  { name: 'u', type: 'uuid' },
];

describe('binary COPY encoder', () => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".t (n serial, t text, i4 int, i8 bigint, f8 float8, b bool, ts timestamptz, j jsonb, raw bytea, u uuid)`);
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });

  it('stores every column type as written, nulls included', async () => {
    const encoder = new BinaryCopyEncoder(columns, 16); // tiny start: the buffer must grow
    encoder.row(['Grüße, 東京 🚀', -2_147_483_648, '9007199254740993', -0.1, true, Date.UTC(2026, 11, 7, 9, 30, 15, 123), '{"a":[1,2.5,"x"],"b":null}', Buffer.from([0, 255, 10]), '0f8fad5b-d9cb-469f-a165-70867728950e']);
    encoder.row([null, null, null, null, null, null, null, null, null]);
    encoder.row(['', 2_147_483_647, -1n, Number.MAX_VALUE, false, 0, '[]', Buffer.alloc(0), 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF']);
    const client = await pool.connect();
    try {
      await copyInto(client, `"${schema}".t`, columns, encoder.finish());
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`SELECT t, i4, i8::text AS i8, f8, b, ts, j, raw, u FROM "${schema}".t ORDER BY n`);
    expect(rows[0]).toEqual({ t: 'Grüße, 東京 🚀', i4: -2_147_483_648, i8: '9007199254740993', f8: -0.1, b: true, ts: new Date(Date.UTC(2026, 11, 7, 9, 30, 15, 123)), j: { a: [1, 2.5, 'x'], b: null }, raw: Buffer.from([0, 255, 10]), u: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(rows[1]).toEqual({ t: null, i4: null, i8: null, f8: null, b: null, ts: null, j: null, raw: null, u: null });
    expect(rows[2]).toEqual({ t: '', i4: 2_147_483_647, i8: '-1', f8: Number.MAX_VALUE, b: false, ts: new Date(0), j: [], raw: Buffer.alloc(0), u: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
  });

  it('streams a payload of many chunks whole', async () => {
    await pool.query(`TRUNCATE "${schema}".t`);
    const encoder = new BinaryCopyEncoder(columns);
    const n = 20_000;
    for (let i = 0; i < n; i++) encoder.row([`row-${i}`, i, i, i / 3, i % 2 === 0, 1_790_000_000_000 + i, JSON.stringify({ i }), null, null]);
    const payload = encoder.finish();
    expect(payload.length).toBeGreaterThan(1024 * 1024);
    const client = await pool.connect();
    try {
      await copyInto(client, `"${schema}".t`, columns, payload);
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`SELECT count(*)::int AS n, sum(i4)::text AS s, max(ts) AS last, max((j->>'i')::int) AS j FROM "${schema}".t`);
    expect(rows[0]).toEqual({ n, s: String((n * (n - 1)) / 2), last: new Date(1_790_000_000_000 + n - 1), j: n - 1 });
  });

  it('refuses a row of the wrong width before anything is sent', () => {
    const encoder = new BinaryCopyEncoder(columns);
    expect(() => encoder.row(['only one'])).toThrow('a COPY row needs 9 values, got 1');
    expect(() => encoder.row(['x', 1, 1, 1, true, 0, '{}', null, 'not-a-uuid'])).toThrow('"not-a-uuid" is not a UUID (column u)');
  });

  it('fails the COPY with the server error when a value does not fit its column', async () => {
    const encoder = new BinaryCopyEncoder(columns);
    encoder.row(['x', 1, 1, 1, true, 0, 'not json', null, null]);
    const client = await pool.connect();
    try {
      await expect(copyInto(client, `"${schema}".t`, columns, encoder.finish())).rejects.toThrow(/invalid input syntax for type json/);
    } finally {
      client.release();
    }
  });
});

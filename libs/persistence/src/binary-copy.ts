import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ClientBase, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/**
 * PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format") for the column types the services write in bulk. pg-copy-streams carries the
 * bytes; the tuple encoding is here because no maintained library covers these types.
 */
export type CopyColumnType = 'text' | 'int4' | 'int8' | 'float8' | 'bool' | 'timestamptz' | 'jsonb' | 'bytea' | 'uuid';

export interface CopyColumn {
  name: string;
  type: CopyColumnType;
}

/** A column's value: null, or (by type) string; number; number | bigint | string; number; boolean; epoch ms; JSON text; Buffer; UUID text. */
export type CopyValue = string | number | bigint | boolean | Buffer | null;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01T00:00:00Z in epoch milliseconds: PostgreSQL's timestamp origin. */
const PG_EPOCH_MS = 946_684_800_000;
/** Bytes handed to the COPY stream at a time. */
const CHUNK_BYTES = 256 * 1024;

/** Encodes rows as one binary COPY payload: header, tuples, trailer. Rows are arrays in column order. */
export class BinaryCopyEncoder {
  private buffer: Buffer;
  private offset = 0;

  constructor(
    private readonly columns: readonly CopyColumn[],
    initialBytes = 64 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.ensure(19);
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, 11); // flags
    this.buffer.writeInt32BE(0, 15); // header extension length
    this.offset = 19;
  }

  /** Appends one row (its values in column order). */
  row(values: readonly CopyValue[]): void {
    if (values.length !== this.columns.length) throw new Error(`a COPY row needs ${this.columns.length} values, got ${values.length}`);
    this.ensure(2);
    this.buffer.writeInt16BE(this.columns.length, this.offset);
    this.offset += 2;
    for (let i = 0; i < values.length; i++) this.field(this.columns[i]!, values[i]!);
  }

  /** The payload so far plus the trailer; the encoder is not used after this. */
  finish(): Buffer {
    this.ensure(2);
    this.buffer.writeInt16BE(-1, this.offset);
    this.offset += 2;
    return this.buffer.subarray(0, this.offset);
  }

  private field(column: CopyColumn, value: CopyValue): void {
    if (value === null || value === undefined) {
      this.ensure(4);
      this.buffer.writeInt32BE(-1, this.offset);
      this.offset += 4;
      return;
    }
    switch (column.type) {
      case 'text':
        return this.text(String(value), 0);
      case 'jsonb':
        return this.text(String(value), 1);
      case 'bytea': {
        const bytes = value as Buffer;
        this.ensure(4 + bytes.length);
        this.buffer.writeInt32BE(bytes.length, this.offset);
        bytes.copy(this.buffer, this.offset + 4);
        this.offset += 4 + bytes.length;
        return;
      }
      case 'uuid': {
        const hex = String(value).replace(/-/g, '');
        if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`"${String(value)}" is not a UUID (column ${column.name})`);
        this.fixed(16);
        this.buffer.write(hex, this.offset - 16, 'hex');
        return;
      }
      case 'int4':
        this.fixed(4);
        this.buffer.writeInt32BE(Number(value), this.offset - 4);
        return;
      case 'int8':
        this.fixed(8);
        this.buffer.writeBigInt64BE(BigInt(value as number | bigint | string), this.offset - 8);
        return;
      case 'float8':
        this.fixed(8);
        this.buffer.writeDoubleBE(Number(value), this.offset - 8);
        return;
      case 'bool':
        this.fixed(1);
        this.buffer[this.offset - 1] = value ? 1 : 0;
        return;
      case 'timestamptz': {
        // Microseconds since 2000-01-01; epoch milliseconds may carry a fraction (microseconds).
        this.fixed(8);
        this.buffer.writeBigInt64BE(BigInt(Math.round((Number(value) - PG_EPOCH_MS) * 1000)), this.offset - 8);
        return;
      }
    }
  }

  /** Reserves a fixed-size field: its length word, then `size` bytes for the caller to fill. */
  private fixed(size: number): void {
    this.ensure(4 + size);
    this.buffer.writeInt32BE(size, this.offset);
    this.offset += 4 + size;
  }

  /** A text field (jsonb: version byte 1 first), UTF-8 written straight into the buffer. */
  private text(value: string, prefix: 0 | 1): void {
    const max = 4 + prefix + Buffer.byteLength(value, 'utf8');
    this.ensure(max);
    const start = this.offset + 4;
    if (prefix) this.buffer[start] = 1;
    const written = this.buffer.write(value, start + prefix, 'utf8');
    this.buffer.writeInt32BE(written + prefix, this.offset);
    this.offset = start + prefix + written;
  }

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}

/** Streams an encoded payload into `COPY table (columns) FROM STDIN (FORMAT binary)` on the given connection. */
export async function copyInto(client: ClientBase, table: string, columns: readonly CopyColumn[], payload: Buffer): Promise<void> {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const stream = client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN (FORMAT binary)`));
  const chunks = function* () {
    for (let i = 0; i < payload.length; i += CHUNK_BYTES) yield payload.subarray(i, i + CHUNK_BYTES);
  };
  await pipeline(Readable.from(chunks(), { objectMode: false }), stream);
}

/** The pg connection behind a TypeORM transaction's manager (COPY needs the driver's own client). */
export function pgClientOf(manager: EntityManager): PoolClient {
  const runner = manager.queryRunner;
  const client = (runner as unknown as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!runner?.isTransactionActive || !client) throw new Error('binary COPY must run inside a transaction on a Postgres query runner');
  return client;
}

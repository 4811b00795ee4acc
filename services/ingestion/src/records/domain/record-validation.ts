import { createHash } from 'node:crypto';
import { canonicalJson } from '@mlops/persistence';
import type { ColumnSpec, DatasetSchema } from '../../datasets/domain/dataset-schema';

/** A field value after validation: timestamps are Unix epoch milliseconds. */
export type FieldValue = number | string | boolean | null;

export type RejectionCode =
  | 'UNKNOWN_DATASET'
  | 'MALFORMED_JSON'
  | 'MALFORMED_PROTOBUF'
  | 'MALFORMED_RECORD'
  | 'OVERSIZE'
  | 'UNKNOWN_FIELD'
  | 'MISSING_FIELD'
  | 'NULL_NOT_ALLOWED'
  | 'TYPE_MISMATCH'
  | 'INVALID_TIMESTAMP'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_CATEGORY'
  | 'INVALID_RECORD_ID';

export interface Rejection {
  code: RejectionCode;
  reason: string;
}

export interface ValidRecord {
  recordId: string;
  entityKey: string;
  eventTimeMs: number;
  fields: Record<string, FieldValue>;
}

export const MAX_STRING_LENGTH = 4096;
const RECORD_ID = /^[\x21-\x7e]{1,200}$/;

/** Checks one record against its dataset's schema. Never throws: bad input is a Rejection. */
export function validateRecord(schema: DatasetSchema, fields: Record<string, unknown>, recordId?: string): ValidRecord | Rejection {
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  for (const name of Object.keys(fields)) {
    if (!byName.has(name)) return reject('UNKNOWN_FIELD', `field "${name}" is not a column of dataset "${schema.dataset}" (schema version ${schema.schemaVersion})`);
  }
  const clean: Record<string, FieldValue> = {};
  for (const column of schema.columns) {
    const result = validateField(column, fields[column.name], Object.prototype.hasOwnProperty.call(fields, column.name));
    if (typeof result === 'object' && result !== null && 'code' in result) return result;
    clean[column.name] = result as FieldValue;
  }
  if (recordId !== undefined && recordId !== '' && !RECORD_ID.test(recordId)) {
    return reject('INVALID_RECORD_ID', 'record_id must be 1 to 200 printable ASCII characters without spaces');
  }
  const entityKey = String(clean[schema.entityColumn]);
  const eventTimeMs = clean[schema.eventTimeColumn] as number;
  return { recordId: recordId || deriveRecordId(schema.dataset, entityKey, eventTimeMs, clean), entityKey, eventTimeMs, fields: clean };
}

export function isRejection(result: ValidRecord | Rejection): result is Rejection {
  return 'code' in result;
}

function validateField(column: ColumnSpec, value: unknown, present: boolean): FieldValue | Rejection {
  const at = `field "${column.name}"`;
  if (!present || value === undefined) {
    return column.nullable ? null : reject('MISSING_FIELD', `${at} is required (${column.type}) but missing`);
  }
  if (value === null) return column.nullable ? null : reject('NULL_NOT_ALLOWED', `${at} must not be null`);
  switch (column.type) {
    case 'float':
    case 'int':
      return validateNumber(column, value);
    case 'string':
      if (typeof value !== 'string') return reject('TYPE_MISMATCH', `${at} must be a string, got ${describe(value)}`);
      if (value.length > MAX_STRING_LENGTH) return reject('OVERSIZE', `${at} is ${value.length} characters long, more than ${MAX_STRING_LENGTH}`);
      if (column.categories.length > 0 && !column.categories.includes(value)) {
        return reject('UNKNOWN_CATEGORY', `${at} = ${JSON.stringify(value.slice(0, 100))} is not one of ${column.categories.join(', ')}`);
      }
      return value;
    case 'bool':
      return typeof value === 'boolean' ? value : reject('TYPE_MISMATCH', `${at} must be true or false, got ${describe(value)}`);
    case 'timestamp':
      return validateTimestamp(column, value);
  }
}

function validateNumber(column: ColumnSpec, value: unknown): number | Rejection {
  const at = `field "${column.name}"`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return reject('TYPE_MISMATCH', `${at} must be a finite ${column.type === 'int' ? 'integer' : 'number'}, got ${describe(value)}`);
  if (column.type === 'int' && !Number.isSafeInteger(value)) return reject('TYPE_MISMATCH', `${at} must be an integer within ±2^53, got ${value}`);
  if (column.min !== undefined && value < column.min) return reject('OUT_OF_RANGE', `${at} = ${value} is below the minimum ${column.min}`);
  if (column.max !== undefined && value > column.max) return reject('OUT_OF_RANGE', `${at} = ${value} is above the maximum ${column.max}`);
  return value;
}

// ISO 8601 with a date, optional time and zone; Date.parse alone accepts too much.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function validateTimestamp(column: ColumnSpec, value: unknown): number | Rejection {
  const at = `field "${column.name}"`;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : reject('INVALID_TIMESTAMP', `${at} must be integer epoch milliseconds, got ${value}`);
  }
  if (typeof value === 'string' && ISO_8601.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return reject('INVALID_TIMESTAMP', `${at} must be epoch milliseconds or an ISO 8601 time, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${typeof value === 'object' ? '' : String(value)}`.trim();
}

function reject(code: RejectionCode, reason: string): Rejection {
  return { code, reason };
}

/** The record id of a record sent without one: the same entity, time and content give the same id,
 * so a producer's retry of the same record is recognised as a duplicate. */
export function deriveRecordId(dataset: string, entityKey: string, eventTimeMs: number, fields: Record<string, FieldValue>): string {
  return createHash('sha256').update(`${dataset}\n${entityKey}\n${eventTimeMs}\n${canonicalJson(fields)}`).digest('hex').slice(0, 32);
}

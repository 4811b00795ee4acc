import type { Rejection } from './record-validation';

/** Where a record came from: Kafka coordinates make redelivered rejections recognisable. */
export type RecordSource = { kind: 'kafka'; topic: string; partition: number; offset: string } | { kind: 'grpc' };

/** A record as received, before validation: parsed, or already refused while parsing. */
export interface IncomingRecord {
  source: RecordSource;
  /** The bytes as received, kept for the rejected-records table and the dead-letter topic. */
  payload: Buffer;
  dataset: string;
  recordId?: string;
  fields?: Record<string, unknown>;
  /** Set when the record could not even be read. */
  parseError?: Rejection;
}

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

export function sourceLabel(source: RecordSource): string {
  return source.kind === 'kafka' ? `kafka:${source.topic}/${source.partition}/${source.offset}` : 'grpc';
}

/**
 * Reads a JSON record of the input topic: `{"dataset": "...", "record_id": "...", "fields": {...}}`
 * (record_id optional). Anything else is refused with the reason, never thrown.
 */
export function parseJsonRecord(payload: Buffer, source: RecordSource, maxBytes = DEFAULT_MAX_RECORD_BYTES): IncomingRecord {
  const base = { source, payload, dataset: '' };
  if (payload.length > maxBytes) return { ...base, parseError: { code: 'OVERSIZE', reason: `record is ${payload.length} bytes, more than ${maxBytes}` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { ...base, parseError: { code: 'MALFORMED_JSON', reason: `malformed JSON: ${(error as Error).message}` } };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ...base, parseError: { code: 'MALFORMED_RECORD', reason: 'a record must be a JSON object {"dataset", "record_id"?, "fields"}' } };
  }
  const { dataset, record_id: recordId, fields, ...rest } = parsed as Record<string, unknown>;
  const extra = Object.keys(rest);
  const dataset_ = typeof dataset === 'string' ? dataset : '';
  if (!dataset_) return { ...base, parseError: { code: 'MALFORMED_RECORD', reason: 'record names no "dataset" (a string)' } };
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    return { ...base, dataset: dataset_, parseError: { code: 'MALFORMED_RECORD', reason: 'record has no "fields" object' } };
  }
  if (extra.length > 0) return { ...base, dataset: dataset_, parseError: { code: 'MALFORMED_RECORD', reason: `unexpected top-level key "${extra[0]}" (fields go under "fields")` } };
  if (recordId !== undefined && typeof recordId !== 'string') {
    return { ...base, dataset: dataset_, parseError: { code: 'INVALID_RECORD_ID', reason: 'record_id must be a string' } };
  }
  return { ...base, dataset: dataset_, recordId: recordId as string | undefined, fields: fields as Record<string, unknown> };
}

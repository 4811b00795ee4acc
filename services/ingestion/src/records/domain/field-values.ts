import type { events } from '@mlops/contracts';
import type { ColumnType, DatasetSchema } from '../../datasets/domain/dataset-schema';
import type { FieldValue } from './record-validation';

type ProtoValue = events.AcceptedRecord['fields'][string];

/** A protobuf Value as a plain value (null when no member of the oneof is set). */
export function fromProtoValue(value: ProtoValue | undefined): unknown {
  if (!value) return null;
  for (const member of [value.floatValue, value.intValue, value.stringValue, value.boolValue, value.timestampMs]) {
    if (member !== undefined && member !== null) return member;
  }
  return null;
}

export function fromProtoFields(fields: Record<string, ProtoValue | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) out[name] = fromProtoValue(value);
  return out;
}

const MEMBER: Record<ColumnType, keyof ProtoValue> = {
  float: 'floatValue',
  int: 'intValue',
  string: 'stringValue',
  bool: 'boolValue',
  timestamp: 'timestampMs',
};

/** Validated fields as protobuf Values, typed by the schema's columns. */
export function toProtoFields(schema: DatasetSchema, fields: Record<string, FieldValue>): Record<string, ProtoValue> {
  const out: Record<string, ProtoValue> = {};
  for (const column of schema.columns) {
    const value = fields[column.name];
    out[column.name] = value === null || value === undefined ? {} : { [MEMBER[column.type]]: value };
  }
  return out;
}

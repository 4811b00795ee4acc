import type { events } from '@mlops/contracts';
import type { ColumnType, DatasetSchema } from '../../datasets/domain/dataset-schema';
import type { FieldValue } from './record-validation';

type ProtoValue = events.AcceptedRecord['fields'][string];


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

import { ingestion } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import type { StoredDataset } from '../datasets.repository';
import type { ColumnSpec, ColumnType, DatasetSpec } from '../domain/dataset-schema';

const { ColumnType: Proto } = ingestion;
const TYPES: [number, ColumnType][] = [
  [Proto.COLUMN_TYPE_FLOAT, 'float'],
  [Proto.COLUMN_TYPE_INT, 'int'],
  [Proto.COLUMN_TYPE_STRING, 'string'],
  [Proto.COLUMN_TYPE_BOOL, 'bool'],
  [Proto.COLUMN_TYPE_TIMESTAMP, 'timestamp'],
];
const TO_DOMAIN = new Map(TYPES);
const TO_PROTO = new Map(TYPES.map(([p, d]) => [d, p]));

export function toDatasetSpec(request: ingestion.RegisterDatasetRequest): DatasetSpec {
  return {
    dataset: request.dataset,
    columns: (request.columns ?? []).map(toColumnSpec),
    entityColumn: request.entityColumn,
    eventTimeColumn: request.eventTimeColumn,
    labelColumn: request.labelColumn,
    description: request.description,
    versionEveryRecords: Number(request.versionEveryRecords),
    versionEverySeconds: Number(request.versionEverySeconds),
  };
}

function toColumnSpec(column: ingestion.Column): ColumnSpec {
  const type = TO_DOMAIN.get(column.type);
  if (!type) throw invalidArgument(`column "${column.name}" has no type (set one of FLOAT, INT, STRING, BOOL, TIMESTAMP)`);
  return {
    name: column.name,
    type,
    nullable: column.nullable,
    ...(column.hasMin ? { min: column.min } : {}),
    ...(column.hasMax ? { max: column.max } : {}),
    categories: column.categories ?? [],
    description: column.description,
  };
}

export function toDatasetMessage({ schema, recordCount }: StoredDataset): ingestion.Dataset {
  return {
    dataset: schema.dataset,
    schemaVersion: schema.schemaVersion,
    columns: schema.columns.map((c) => ({
      name: c.name,
      type: TO_PROTO.get(c.type)!,
      nullable: c.nullable,
      min: c.min ?? 0,
      hasMin: c.min !== undefined,
      max: c.max ?? 0,
      hasMax: c.max !== undefined,
      categories: c.categories,
      description: c.description,
    })),
    entityColumn: schema.entityColumn,
    eventTimeColumn: schema.eventTimeColumn,
    labelColumn: schema.labelColumn,
    description: schema.description,
    versionEveryRecords: schema.versionEveryRecords,
    versionEverySeconds: schema.versionEverySeconds,
    createdAtMs: new Date(schema.createdAt).getTime(),
    recordCount,
  };
}

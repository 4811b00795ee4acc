/** A dataset's schema, as the domain sees it (transport maps the protobuf form to this). */
export type ColumnType = 'float' | 'int' | 'string' | 'bool' | 'timestamp';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  min?: number;
  max?: number;
  /** Allowed values of a string column; empty allows any. */
  categories: string[];
  description: string;
}

export interface DatasetSpec {
  dataset: string;
  columns: ColumnSpec[];
  entityColumn: string;
  eventTimeColumn: string;
  /** Empty when the dataset has no label. */
  labelColumn: string;
  description: string;
  versionEveryRecords: number;
  versionEverySeconds: number;
}

export interface DatasetSchema extends DatasetSpec {
  schemaVersion: number;
  createdAt: Date;
  /** Entity buckets of its accepted-records stream, fixed at registration (0: the legacy 12 keys; libs/messaging buckets.ts). */
  streamBuckets: number;
}

const DATASET_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const NUMERIC: ColumnType[] = ['float', 'int'];

/** Everything wrong with a dataset definition, each problem naming the column it is about. */
export function specProblems(spec: DatasetSpec): string[] {
  const problems: string[] = [];
  if (!DATASET_NAME.test(spec.dataset)) problems.push(`dataset name "${spec.dataset}" must match ${DATASET_NAME.source}`);
  if (spec.columns.length === 0) problems.push('a dataset needs at least one column');
  const seen = new Set<string>();
  for (const column of spec.columns) {
    if (!COLUMN_NAME.test(column.name)) problems.push(`column name "${column.name}" must match ${COLUMN_NAME.source}`);
    if (seen.has(column.name)) problems.push(`column "${column.name}" is defined twice`);
    seen.add(column.name);
    problems.push(...columnProblems(column));
  }
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const entity = byName.get(spec.entityColumn);
  if (!entity) problems.push(`entity column "${spec.entityColumn}" is not a column`);
  else if (!['string', 'int'].includes(entity.type) || entity.nullable) problems.push(`entity column "${entity.name}" must be a non-nullable string or int`);
  const eventTime = byName.get(spec.eventTimeColumn);
  if (!eventTime) problems.push(`event-time column "${spec.eventTimeColumn}" is not a column`);
  else if (eventTime.type !== 'timestamp' || eventTime.nullable) problems.push(`event-time column "${eventTime.name}" must be a non-nullable timestamp`);
  if (spec.labelColumn && !byName.has(spec.labelColumn)) problems.push(`label column "${spec.labelColumn}" is not a column`);
  if (spec.versionEveryRecords < 0 || spec.versionEverySeconds < 0) problems.push('version schedules must not be negative');
  return problems;
}

function columnProblems(column: ColumnSpec): string[] {
  const problems: string[] = [];
  const numeric = NUMERIC.includes(column.type);
  if ((column.min !== undefined || column.max !== undefined) && !numeric) problems.push(`column "${column.name}": min/max apply to numbers only`);
  if (column.min !== undefined && column.max !== undefined && column.min > column.max) problems.push(`column "${column.name}": min ${column.min} is above max ${column.max}`);
  if (column.categories.length > 0 && column.type !== 'string') problems.push(`column "${column.name}": categories apply to string columns only`);
  if (new Set(column.categories).size !== column.categories.length) problems.push(`column "${column.name}": categories repeat`);
  return problems;
}

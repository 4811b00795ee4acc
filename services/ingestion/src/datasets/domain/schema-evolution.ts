import type { ColumnSpec, DatasetSpec } from './dataset-schema';

export type SchemaChange = { kind: 'identical' } | { kind: 'compatible'; changes: string[] } | { kind: 'incompatible'; reasons: string[] };

/**
 * Decides whether a new definition of a dataset can replace the current one. Records stored
 * under the old schema must stay valid under the new one, and readers (feature views) must keep
 * finding the columns they use: so columns may be added (nullable only), constraints relaxed,
 * int widened to float; nothing may be removed, narrowed or retyped.
 */
export function compareSchemas(current: DatasetSpec, next: DatasetSpec): SchemaChange {
  const reasons: string[] = [];
  const changes: string[] = [];
  for (const key of ['entityColumn', 'eventTimeColumn', 'labelColumn'] as const) {
    if (current[key] !== next[key]) reasons.push(`${key} cannot change ("${current[key]}" → "${next[key]}")`);
  }
  const nextByName = new Map(next.columns.map((c) => [c.name, c]));
  for (const old of current.columns) {
    const column = nextByName.get(old.name);
    if (!column) reasons.push(`column "${old.name}" cannot be removed`);
    else compareColumn(old, column, reasons, changes);
  }
  const currentNames = new Set(current.columns.map((c) => c.name));
  for (const added of next.columns.filter((c) => !currentNames.has(c.name))) {
    if (added.nullable) changes.push(`column "${added.name}" added`);
    else reasons.push(`new column "${added.name}" must be nullable (stored records do not have it)`);
  }
  if (current.description !== next.description) changes.push('description changed');
  if (current.versionEveryRecords !== next.versionEveryRecords || current.versionEverySeconds !== next.versionEverySeconds) {
    changes.push('version schedule changed');
  }
  if (reasons.length > 0) return { kind: 'incompatible', reasons };
  return changes.length > 0 ? { kind: 'compatible', changes } : { kind: 'identical' };
}

function compareColumn(old: ColumnSpec, next: ColumnSpec, reasons: string[], changes: string[]): void {
  const at = `column "${old.name}"`;
  if (old.type !== next.type) {
    if (old.type === 'int' && next.type === 'float') changes.push(`${at} widened from int to float`);
    else reasons.push(`${at} cannot change type from ${old.type} to ${next.type}`);
  }
  if (old.nullable && !next.nullable) reasons.push(`${at} cannot become non-nullable`);
  else if (!old.nullable && next.nullable) changes.push(`${at} became nullable`);
  if (next.min !== undefined && (old.min === undefined || next.min > old.min)) reasons.push(`${at} minimum cannot be raised (${old.min ?? 'none'} → ${next.min})`);
  else if (next.min !== old.min) changes.push(`${at} minimum relaxed`);
  if (next.max !== undefined && (old.max === undefined || next.max < old.max)) reasons.push(`${at} maximum cannot be lowered (${old.max ?? 'none'} → ${next.max})`);
  else if (next.max !== old.max) changes.push(`${at} maximum relaxed`);
  const removed = old.categories.filter((c) => !next.categories.includes(c));
  if (next.categories.length > 0 && (old.categories.length === 0 || removed.length > 0)) {
    reasons.push(`${at} categories cannot be narrowed${removed.length ? ` (removed: ${removed.join(', ')})` : ''}`);
  } else if (old.categories.length !== next.categories.length) changes.push(`${at} categories extended`);
  if (old.description !== next.description) changes.push(`${at} description changed`);
}

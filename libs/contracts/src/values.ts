import type { Value } from './gen/mlops/ingestion/v1/ingestion';

/** The plain value of a typed record Value: the member of its oneof that is set, else null. */
export function plainValue(value: Value | undefined | null): number | string | boolean | null {
  if (!value) return null;
  return value.floatValue ?? value.intValue ?? value.stringValue ?? value.boolValue ?? value.timestampMs ?? null;
}

/** A record's typed fields as plain values by column name. */
export function plainFields(fields: Record<string, Value | undefined> | undefined): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [name, value] of Object.entries(fields ?? {})) out[name] = plainValue(value);
  return out;
}

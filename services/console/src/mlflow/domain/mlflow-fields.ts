import { invalidParameter } from './mlflow-error';

/**
 * The fields of one MLflow request, as its clients send them: a JSON body for POST, PATCH and
 * DELETE, the query string for GET (repeated keys for lists). Protobuf's JSON mapping sends
 * int64 as strings ("start_time": "1700000000000") and non-finite doubles as "NaN"/"Infinity",
 * so both forms are taken. A missing required field or a bad value is INVALID_PARAMETER_VALUE
 * in MLflow's own words ("Missing value for required parameter 'run_id'").
 */
export class MlflowFields {
  constructor(private readonly source: Record<string, unknown>) {}

  static of(value: unknown): MlflowFields {
    if (value === undefined || value === null) return new MlflowFields({});
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter('the request body must be a JSON object');
    return new MlflowFields(value as Record<string, unknown>);
  }

  has(name: string): boolean {
    const value = this.source[name];
    return value !== undefined && value !== null && value !== '';
  }

  required(name: string, maxLength = 1000): string {
    if (!this.has(name)) throw invalidParameter(`Missing value for required parameter '${name}'.`);
    return this.text(name, maxLength);
  }

  text(name: string, maxLength = 1000): string {
    const value = this.scalar(name);
    if (value === undefined) return '';
    if (typeof value !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(value).slice(0, 60)} for parameter '${name}' supplied: it must be a string`);
    if (value.length > maxLength) throw invalidParameter(`Parameter '${name}' is longer than ${maxLength} characters`);
    return value;
  }

  /** The first of several names that is given (run_id, then the older run_uuid). */
  oneOf(names: string[], maxLength = 1000): string {
    const name = names.find((n) => this.has(n));
    if (!name) throw invalidParameter(`Missing value for required parameter '${names[0]}'.`);
    return this.text(name, maxLength);
  }

  /** A whole number: int64 fields arrive as JSON numbers or decimal strings. */
  integer(name: string, fallback: number, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const value = this.scalar(name);
    if (value === undefined || value === '') return fallback;
    const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw invalidParameter(`Invalid value ${JSON.stringify(value).slice(0, 60)} for parameter '${name}' supplied: it must be a whole number`);
    if (number < min || number > max) throw invalidParameter(`Invalid value ${number} for parameter '${name}' supplied: it must be from ${min} to ${max}`);
    return number;
  }

  requiredNumber(name: string): number {
    if (!this.has(name)) throw invalidParameter(`Missing value for required parameter '${name}'.`);
    return toDouble(this.scalar(name), name);
  }

  /** A list of strings: a JSON array, or a query-string key given once or repeated. */
  strings(name: string, max: number): string[] {
    const value = this.source[name];
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    if (list.length > max) throw invalidParameter(`Parameter '${name}' lists ${list.length} values; at most ${max} are allowed`);
    for (const item of list) if (typeof item !== 'string') throw invalidParameter(`Parameter '${name}' must be a list of strings`);
    return list as string[];
  }

  /** A list of objects (metrics, params, tags), each read as fields of its own. */
  objects(name: string, max: number): MlflowFields[] {
    const value = this.source[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw invalidParameter(`Parameter '${name}' must be a list`);
    if (value.length > max) throw invalidParameter(`A batch logging request can contain at most ${max} ${name}. Got ${value.length} ${name}. Please split up ${name} across multiple requests and try again.`);
    return value.map((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalidParameter(`${name}[${i}] must be an object`);
      return new MlflowFields(item as Record<string, unknown>);
    });
  }

  /** `[{key, value}]` pairs as a map (later pairs win, as MLflow stores them). */
  tags(name: string, max: number, valueLength = 8000): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const tag of this.objects(name, max)) tags[tag.required('key', 250)] = tag.text('value', valueLength);
    return tags;
  }

  private scalar(name: string): unknown {
    const value = this.source[name];
    // A query string may repeat a key; a scalar takes its first value.
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  }
}

/** A double as protobuf's JSON mapping writes it: a number, a numeric string, "NaN", "Infinity" or "-Infinity". */
export function toDouble(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const number = Number(value);
    if (value.trim() !== '' && !Number.isNaN(number)) return number;
  }
  throw invalidParameter(`Invalid value ${JSON.stringify(value).slice(0, 60)} for parameter '${name}' supplied: it must be a number`);
}

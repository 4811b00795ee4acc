import { invalidArgument } from '@mlops/errors';

/** A list request's limit: 0 means `fallback`; past `max` (or negative) it is refused, naming the field. */
export function resolveLimit(requested: number, fallback: number, max: number, field = 'limit'): number {
  if (!Number.isInteger(requested) || requested < 0 || requested > max) throw invalidArgument(`${field} must be an integer from 0 to ${max} (0 means ${fallback}), got ${requested}`);
  return requested === 0 ? fallback : requested;
}

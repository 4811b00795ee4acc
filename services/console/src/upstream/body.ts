import { invalidArgument } from '@mlops/errors';

/** Fields of a JSON request body, checked: a bad one is INVALID_ARGUMENT naming it. */

export function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.trim()) throw invalidArgument(`${name} is required`);
  return optionalText(value, name);
}

export function optionalText(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidArgument(`${name} must be text`);
  if (value.length > 1000) throw invalidArgument(`${name} is longer than 1000 characters`);
  return value;
}

export function requiredVersion(value: unknown): number {
  const version = typeof value === 'string' ? Number(value) : value;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw invalidArgument('version must be a whole number from 1');
  return version;
}

/**
 * Typed, validated configuration from environment variables.
 *
 * Each key is described by a parser with a default; `readEnv` checks all of them and throws one
 * `ConfigError` naming every bad variable, so a misconfigured service fails at start-up with a
 * message an operator can act on instead of failing later in a confusing way.
 */
import { accessSync, constants, statSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

export interface EnvVar<T> {
  /** Parses a raw value; returns an error message (without the key) when it is invalid. */
  parse(raw: string): { value: T } | { error: string };
  /** Used when the variable is unset or empty; undefined makes the variable required. */
  fallback?: T;
  /** Never printed: the value is replaced by *** in errors and config dumps. */
  secret?: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Spec = Record<string, EnvVar<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

export function readEnv<S extends Spec>(spec: S, env: Env = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, parser] of Object.entries(spec)) {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') {
      if (parser.fallback === undefined) problems.push(`${key} is required but not set`);
      else out[key] = parser.fallback;
      continue;
    }
    const result = parser.parse(raw.trim());
    if ('error' in result) {
      const shown = parser.secret ? '***' : JSON.stringify(raw);
      problems.push(`${key}=${shown} ${result.error}`);
    } else {
      out[key] = result.value;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

export const str = (fallback?: string): EnvVar<string> => ({ fallback, parse: (raw) => ({ value: raw }) });

export const secret = (fallback?: string): EnvVar<string> => ({ ...str(fallback), secret: true });

export function int(fallback: number | undefined, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): EnvVar<number> {
  return {
    fallback,
    parse(raw) {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < min || value > max) {
        return { error: `is not an integer between ${min} and ${max}` };
      }
      return { value };
    },
  };
}

/** A finite decimal number within [min, max], e.g. a rate or a duration in seconds. */
export function num(fallback: number | undefined, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): EnvVar<number> {
  return {
    fallback,
    parse(raw) {
      const value = Number(raw);
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) || value < min || value > max) return { error: `is not a number between ${min} and ${max}` };
      return { value };
    },
  };
}

export const port = (fallback?: number): EnvVar<number> => int(fallback, 1, 65535);

export const bool = (fallback?: boolean): EnvVar<boolean> => ({
  fallback,
  parse(raw) {
    const lower = raw.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return { value: true };
    if (['0', 'false', 'no', 'off'].includes(lower)) return { value: false };
    return { error: 'is not a boolean (true/false)' };
  },
});

export function oneOf<T extends string>(choices: readonly T[], fallback?: T): EnvVar<T> {
  return {
    fallback,
    parse: (raw) =>
      (choices as readonly string[]).includes(raw) ? { value: raw as T } : { error: `is not one of ${choices.join(', ')}` },
  };
}

/** A comma-separated list of host:port pairs, e.g. KAFKA_BROKERS. */
export const hostPorts = (fallback?: string[]): EnvVar<string[]> => ({
  fallback,
  parse(raw) {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.find((item) => !/^[A-Za-z0-9._-]+:\d{1,5}$/.test(item));
    if (items.length === 0 || bad !== undefined) {
      return { error: `is not a comma-separated list of host:port${bad ? ` (bad entry ${JSON.stringify(bad)})` : ''}` };
    }
    return { value: items };
  },
});

/** A URL with one of the given protocols, e.g. DATABASE_URL. Credentials are never echoed. */
export const url = (protocols: string[], fallback?: string): EnvVar<string> => ({
  fallback,
  secret: true,
  parse(raw) {
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        return { error: `has protocol ${parsed.protocol} but must be one of ${protocols.join(', ')}` };
      }
      return { value: raw };
    } catch {
      return { error: 'is not a valid URL' };
    }
  },
});

/** The path of a readable file (certificates, keys, tokens: the content is never printed). '' = unset. */
export const file = (fallback?: string): EnvVar<string> => ({
  fallback,
  parse(raw) {
    try {
      accessSync(raw, constants.R_OK);
      return statSync(raw).isFile() ? { value: raw } : { error: 'is not a file' };
    } catch {
      return { error: 'is not a readable file' };
    }
  },
});

/** A lower-case SQL identifier, e.g. a schema name. */
export const sqlIdentifier = (fallback?: string): EnvVar<string> => ({
  fallback,
  parse: (raw) =>
    /^[a-z_][a-z0-9_]{0,62}$/.test(raw) ? { value: raw } : { error: 'is not a lower-case SQL identifier ([a-z_][a-z0-9_]*)' },
});

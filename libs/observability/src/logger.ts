import { currentCorrelationId } from './correlation';

/**
 * Structured JSON logs, one object per line on stdout: time, level, service, message, the
 * correlation id of the current async context, and any fields given. Tokens and passwords are
 * redacted before anything is written, at any depth: secret-named fields and secrets inside
 * strings of nested objects, arrays and errors (their causes included).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export class JsonLogger {
  constructor(
    readonly service: string,
    private readonly minLevel: LogLevel = 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
    private readonly context?: string,
  ) {}

  child(context: string): JsonLogger {
    return new JsonLogger(this.service, this.minLevel, this.sink, context);
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= LEVELS[this.minLevel];
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const entry: LogFields = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(this.context ? { context: this.context } : {}),
      msg,
      ...fields,
    };
    const correlationId = currentCorrelationId();
    if (correlationId && entry.correlationId === undefined) entry.correlationId = correlationId;
    this.sink(JSON.stringify(entry, redactingReplacer()));
  }
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|credential/i;
const BEARER = /(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;
/** A JSON Web Token anywhere in a text (a header that starts with `{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/\s]+:)[^@\s]+@/gi;

export function redact(text: string): string {
  return text.replace(BEARER, '$1[REDACTED]').replace(JWT, '[REDACTED]').replace(URL_PASSWORD, '$1[REDACTED]@');
}

/** Values nested deeper than this are written as "[too deep]" (a log line stays small and finite). */
const MAX_DEPTH = 12;

/**
 * A JSON.stringify replacer that redacts every value on the way out: a secret-named key at any
 * depth becomes [REDACTED], every string is scanned (bearer tokens, JWTs, URL passwords), errors
 * are written with their name, message, stack, code and cause (redacted the same way), and a
 * value seen before on the path (a cycle) is written as "[circular]" instead of throwing.
 */
function redactingReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const parents: object[] = [];
  return function (this: unknown, key: string, value: unknown): unknown {
    // `this` is the object holding `value`: unwind the path to it.
    while (parents.length > 0 && parents[parents.length - 1] !== this) parents.pop();
    if (key !== '' && SECRET_KEY.test(key)) return value === undefined ? undefined : '[REDACTED]';
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') return value;
    if (parents.includes(value)) return '[circular]';
    if (parents.length >= MAX_DEPTH) return '[too deep]';
    parents.push(value);
    if (value instanceof Error) {
      const { code, details } = value as Error & { code?: unknown; details?: unknown };
      const shown: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
      if (code !== undefined) shown.code = code;
      if (details !== undefined) shown.details = details;
      if (value.cause !== undefined) shown.cause = value.cause;
      // The shown copy stands for the error on the path (its fields are visited with it as `this`).
      parents[parents.length - 1] = shown;
      return shown;
    }
    return value;
  };
}

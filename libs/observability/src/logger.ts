import { currentCorrelationId } from './correlation';

/**
 * Structured JSON logs, one object per line on stdout: time, level, service, message, the
 * correlation id of the current async context, and any fields given. Tokens and passwords are
 * redacted before anything is written.
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
      msg: redact(msg),
      ...(fields ? redactFields(fields) : {}),
    };
    const correlationId = currentCorrelationId();
    if (correlationId && entry.correlationId === undefined) entry.correlationId = correlationId;
    this.sink(JSON.stringify(entry, errorReplacer));
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

function redactFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = '[REDACTED]';
    else if (typeof value === 'string') out[key] = redact(value);
    else out[key] = value;
  }
  return out;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message), stack: value.stack ? redact(value.stack) : undefined };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

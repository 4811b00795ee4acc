import { withCorrelation } from './correlation';
import { JsonLogger, redact } from './logger';

describe('JsonLogger', () => {
  function capture(level: 'debug' | 'info' = 'info') {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger('svc', level, (line) => lines.push(JSON.parse(line)));
    return { logger, lines };
  }

  it('writes one JSON object per line with the correlation id of the context', () => {
    const { logger, lines } = capture();
    withCorrelation('abc-123', () => logger.child('Ctx').info('hello', { count: 2 }));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'svc', context: 'Ctx', msg: 'hello', count: 2, correlationId: 'abc-123' });
    expect(lines[1].correlationId).toBeUndefined();
  });

  it('drops lines under the minimum level', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts tokens, passwords in URLs and secret-named fields', () => {
    const { logger, lines } = capture();
    logger.info('auth Bearer eyJhbGciOi.abc.def failed', { password: 'hunter2', url: 'postgres://u:hunter2@db/x' });
    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
    expect(JSON.stringify(lines[0])).not.toContain('eyJhbGciOi');
    expect(lines[0].url).toBe('postgres://u:[REDACTED]@db/x');
    // A bare JWT in a message or an error (no "Bearer" before it) is redacted too.
    logger.info('token eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl was refused', { error: new Error('bad eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2ln') });
    expect(JSON.stringify(lines[1])).not.toContain('eyJzdWIiOiJhbGljZSJ9');
    expect(lines[1].msg).toBe('token [REDACTED] was refused');
  });

  it('redacts at any depth: nested objects, arrays, error causes and error fields', () => {
    const { logger, lines } = capture();
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl';
    const cause = Object.assign(new Error(`upstream said Bearer ${jwt}`), { code: 16, details: `token ${jwt} expired` });
    logger.warn('call failed', {
      request: { headers: { Authorization: `Bearer ${jwt}`, accept: 'json' }, body: { user: { password: 'hunter2', name: 'bob' } } },
      attempts: [{ url: 'https://u:hunter2@example.com/x' }, { apiKey: 'k-123' }],
      error: new Error('wrapped', { cause: new Error('middle', { cause }) }),
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', 'eyJzdWIiOiJib2IifQ', 'k-123']) expect(text).not.toContain(secret);
    expect(lines[0].request).toEqual({ headers: { Authorization: '[REDACTED]', accept: 'json' }, body: { user: { password: '[REDACTED]', name: 'bob' } } });
    expect(lines[0].attempts).toEqual([{ url: 'https://u:[REDACTED]@example.com/x' }, { apiKey: '[REDACTED]' }]);
    const inner = (lines[0].error as { cause: { cause: { message: string; code: number; details: string } } }).cause.cause;
    expect(inner).toMatchObject({ message: 'upstream said Bearer [REDACTED]', code: 16, details: 'token [REDACTED] expired' });
  });

  it('writes a cycle or a very deep value without throwing', () => {
    const { logger, lines } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    let deep: Record<string, unknown> = { secret: 's3cr3t' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    logger.info('odd shapes', { a, deep });
    expect(lines[0].a).toEqual({ name: 'a', self: '[circular]' });
    expect(JSON.stringify(lines[0])).toContain('[too deep]');
    expect(JSON.stringify(lines[0])).not.toContain('s3cr3t');
  });

  it('replaces unsafe client correlation ids with fresh ones', () => {
    const { logger, lines } = capture();
    withCorrelation('bad\nid', () => logger.info('x'));
    expect(lines[0].correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(redact('no secrets here')).toBe('no secrets here');
  });
});

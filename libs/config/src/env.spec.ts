import { ConfigError, bool, hostPorts, int, num, oneOf, port, readEnv, str, url } from './env';

describe('readEnv', () => {
  const spec = {
    HTTP_PORT: port(8080),
    KAFKA_BROKERS: hostPorts(['127.0.0.1:9092']),
    DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://localhost/db'),
    LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, 'info'),
    RETRIES: int(3, 0, 10),
    PRETTY: bool(false),
    NAME: str(),
  };

  it('applies defaults and parses values', () => {
    const cfg = readEnv(spec, { NAME: 'svc', HTTP_PORT: '9000', KAFKA_BROKERS: 'a:1, b:2', PRETTY: 'yes' });
    expect(cfg).toEqual({
      HTTP_PORT: 9000,
      KAFKA_BROKERS: ['a:1', 'b:2'],
      DATABASE_URL: 'postgres://localhost/db',
      LOG_LEVEL: 'info',
      RETRIES: 3,
      PRETTY: true,
      NAME: 'svc',
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      readEnv(spec, { HTTP_PORT: '70000', KAFKA_BROKERS: 'nohost', LOG_LEVEL: 'loud', RETRIES: '1.5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'HTTP_PORT="70000" is not an integer between 1 and 65535',
      'KAFKA_BROKERS="nohost" is not a comma-separated list of host:port (bad entry "nohost")',
      'LOG_LEVEL="loud" is not one of debug, info, warn, error',
      'RETRIES="1.5" is not an integer between 0 and 10',
      'NAME is required but not set',
    ]);
  });

  it('never echoes secret values', () => {
    expect(() => readEnv({ DATABASE_URL: url(['postgres']) }, { DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(
      'DATABASE_URL=*** has protocol mysql: but must be one of postgres',
    );
  });
});

describe('num', () => {
  const spec = { RATE: num(1, 0, 1) };
  it('parses decimals within bounds and refuses the rest', () => {
    expect(readEnv(spec, { RATE: '0.25' })).toEqual({ RATE: 0.25 });
    expect(readEnv(spec, { RATE: '.5' })).toEqual({ RATE: 0.5 });
    expect(readEnv(spec, {})).toEqual({ RATE: 1 });
    for (const bad of ['1.5', 'abc', '0x1', '-0.1']) {
      expect(() => readEnv(spec, { RATE: bad })).toThrow(`RATE="${bad}" is not a number between 0 and 1`);
    }
  });
});

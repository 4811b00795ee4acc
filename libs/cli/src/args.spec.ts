import { type OptionSpec, parseCommandLine } from './args';
import { UsageError } from './errors';

const OPTIONS: Record<string, OptionSpec> = {
  limit: { type: 'int', description: '' },
  rate: { type: 'number', description: '' },
  steps: { type: 'numbers', description: '' },
  strategy: { type: 'choice', choices: ['basic', 'canary'], description: '' },
  manual: { type: 'boolean', description: '' },
  experiment: { type: 'string', multiple: true, description: '' },
  file: { type: 'string', short: 'f', description: '' },
};

const parse = (argv: string[]) => parseCommandLine(argv, [{ name: 'model' }, { name: 'version', required: false }], OPTIONS);
const usage = (argv: string[]) => {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('parseCommandLine', () => {
  it('binds positionals by name and converts option values by type', () => {
    const input = parse(['churn', '--limit', '5', '--rate=0.005', '--steps', '10, 50,100', '--strategy', 'canary', '--manual', '-f', 'spec.json', '--experiment', 'a', '--experiment', 'b']);
    expect(input.arg('model')).toBe('churn');
    expect(input.optionalArg('version')).toBeUndefined();
    expect(input.num('limit')).toBe(5);
    expect(input.num('rate')).toBe(0.005);
    expect(input.nums('steps')).toEqual([10, 50, 100]);
    expect(input.str('strategy')).toBe('canary');
    expect(input.flag('manual')).toBe(true);
    expect(input.str('file')).toBe('spec.json');
    expect(input.strs('experiment')).toEqual(['a', 'b']);
  });

  it('tells "not given" from --no-x', () => {
    expect(parse(['m']).flag('manual')).toBeUndefined();
    expect(parse(['m', '--no-manual']).flag('manual')).toBe(false);
  });

  it('takes the global options anywhere', () => {
    const input = parse(['--json', 'churn', '3', '--correlation-id', 'c-1']);
    expect(input.flag('json')).toBe(true);
    expect(input.str('correlation-id')).toBe('c-1');
    expect(input.optionalArg('version')).toBe('3');
  });

  it('refuses what is malformed, naming the option and the value', () => {
    expect(usage(['m', '--limit', '2.5'])).toBe('--limit must be a whole number, got "2.5"');
    expect(usage(['m', '--rate', 'fast'])).toBe('--rate must be a number, got "fast"');
    expect(usage(['m', '--steps', '10,,100'])).toBe('--steps must be comma-separated numbers, got "10,,100"');
    expect(usage(['m', '--strategy', 'yolo'])).toBe('--strategy must be one of basic, canary, got "yolo"');
    expect(usage(['m', '--bogus'])).toBe('unknown option --bogus');
    expect(usage(['m', '--limit'])).toBe('option --limit needs a value');
    expect(usage(['m', '--manual=yes'])).toBe('option --manual takes no value');
  });

  it('refuses missing and extra positionals', () => {
    expect(usage([])).toBe('missing <model>');
    expect(usage(['a', 'b', 'c'])).toBe('unexpected argument "c"');
  });

  it('binds a variadic argument to all the rest', () => {
    const input = parseCommandLine(['a', 'b'], [{ name: 'topic', variadic: true }]);
    expect(input.rest('topic')).toEqual(['a', 'b']);
    expect(() => parseCommandLine([], [{ name: 'topic', variadic: true }])).toThrow('missing <topic>');
  });

  it('lets --help through without the required positionals', () => {
    expect(parse(['--help']).flag('help')).toBe(true);
    expect(parse(['-h']).flag('help')).toBe(true);
  });
});

import { compileExpression, ExpressionError, validateColumns } from './expression';

const calc = (source: string, row: Record<string, unknown> = {}) => compileExpression(source).evaluate(row);

/** The error compileExpression throws for `source` (fails the test when it compiles). */
function errorOf(source: string): ExpressionError {
  try {
    compileExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

describe('expression arithmetic', () => {
  it.each([
    ['42', 42],
    ['3.25', 3.25],
    ['.5', 0.5],
    ['2.', 2],
    ['1e-3', 0.001],
    ['1.5E2', 150],
    ['2e+2', 200],
    [' 1 +\t2\n', 3],
  ])('reads the literal %j as %p', (source, expected) => {
    expect(calc(source)).toBe(expected);
  });

  it.each([
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3], // left-associative
    ['64 / 4 / 2', 8], // left-associative
    ['2 * 3 / 4', 1.5],
    ['7 - 2 * 3 + 1', 2],
    ['2 * 3 ^ 2', 18], // ^ binds tighter than *
    ['2 ^ 3 ^ 2', 512], // right-associative: 2^(3^2)
    ['(2 ^ 3) ^ 2', 64],
    ['-2 ^ 2', -4], // as Python's -2**2
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5], // the exponent may carry a sign
    ['2 ^ -3 ^ 2', 0.001953125], // 2^-(3^2), as Python's 2**-3**2
    ['-3 ^ 2 * 2', -18],
    ['2 * -3', -6],
    ['- - 3', 3],
    ['+4', 4],
    ['-(1 - 3)', 2],
    ['1 - -1', 2],
    ['0 * -1', 0], // -0 is normalised to 0
  ])('evaluates %s = %p', (source, expected) => {
    expect(calc(source)).toBe(expected);
  });

  it('reads columns from the row', () => {
    expect(calc('fare / distance_km', { fare: 12, distance_km: 4 })).toBe(3);
    expect(calc('_x1 * 2', { _x1: 2.5 })).toBe(5);
  });

  it('counts booleans as 1 and 0', () => {
    expect(calc('a + b', { a: true, b: false })).toBe(1);
  });
});

describe('expression functions', () => {
  it.each([
    // Transcendental answers below were printed by python3, e.g. repr(math.log1p(0.5)).
    ['log(10)', 2.302585092994046],
    ['log1p(0.5)', 0.4054651081081644],
    ['exp(1)', 2.718281828459045],
    ['exp(-1)', 0.36787944117144233],
    ['sqrt(2)', 1.4142135623730951],
    ['log(2.5)', 0.9162907318741551],
    // The rest are exact.
    ['log(1)', 0],
    ['sqrt(16)', 4],
    ['abs(-3.5)', 3.5],
    ['min(3, -2)', -2],
    ['max(3, -2)', 3],
    ['pow(2, 10)', 1024],
    ['pow(9, 0.5)', 3],
    ['clip(5, 0, 3)', 3],
    ['clip(-5, 0, 3)', 0],
    ['clip(2, 0, 3)', 2],
    ['clip(2, 2, 2)', 2],
    ['max(min(7, 9), abs(-8)) + sqrt(pow(3, 2) + 16)', 13],
    ['-sqrt(9) ^ 2', -9], // -(sqrt(9)^2)
  ])('evaluates %s = %p', (source, expected) => {
    expect(calc(source)).toBe(expected);
  });

  it('lets a column share a function name when it is not called', () => {
    expect(calc('max + min(max, 1)', { max: 5 })).toBe(6);
  });
});

describe('expression nulls', () => {
  it.each([
    ['a missing column', {}],
    ['null', { x: null }],
    ['undefined', { x: undefined }],
    ['a string', { x: '3' }],
    ['NaN', { x: NaN }],
    ['Infinity', { x: Infinity }],
    ['an object', { x: { valueOf: (): number => 3 } }],
  ])('treats %s as null, and null propagates', (_what, row) => {
    expect(calc('x', row)).toBeNull();
    expect(calc('1 + x * 0', row)).toBeNull();
    expect(calc('-x', row)).toBeNull();
    expect(calc('max(x, 1)', row)).toBeNull();
    expect(calc('clip(1, 0, x)', row)).toBeNull();
  });

  it.each([
    '1 / 0',
    '0 / 0',
    '-1 / 0',
    'log(0)',
    'log(-1)',
    'log1p(-1)',
    'sqrt(-1)',
    'exp(1000)',
    '10 ^ 400',
    'pow(-8, 1 / 3)',
    'pow(0, -1)',
    '1e308 * 10',
    '-1e308 - 1e308',
    'clip(1, 3, 0)', // an empty range
    '1 + 1 / 0 * 0', // a non-finite intermediate stays null
  ])('makes the non-finite %s null', (source) => {
    expect(calc(source)).toBeNull();
  });

  it('never throws, whatever the row', () => {
    const expr = compileExpression('a + 1');
    const throwing = new Proxy({}, { get: () => { throw new Error('boom'); } });
    expect(expr.evaluate(throwing)).toBeNull();
    expect(expr.evaluate(null as unknown as Record<string, unknown>)).toBeNull();
    expect(calc('constructor + 1', {})).toBeNull(); // not read through Object.prototype
    expect(calc('constructor + 1', { constructor: 2 })).toBe(3);
  });
});

describe('compiled expressions', () => {
  it('lists the referenced columns sorted and unique, and keeps the source', () => {
    const expr = compileExpression('log1p(zeta) + alpha * zeta - beta');
    expect(expr.columns).toEqual(['alpha', 'beta', 'zeta']);
    expect(expr.source).toBe('log1p(zeta) + alpha * zeta - beta');
    expect(compileExpression('pow(2, 3)').columns).toEqual([]);
  });

  it('validates columns against the dataset', () => {
    const expr = compileExpression('fare / distance + log1p(payment) - tip');
    const all = new Set(['fare', 'distance', 'payment', 'city']);
    const numeric = new Set(['fare', 'distance']);
    expect(validateColumns(expr, numeric, all)).toEqual([
      'column "payment" is not numeric',
      'column "tip" is not in the dataset',
    ]);
    expect(validateColumns(compileExpression('fare * 2'), numeric, all)).toEqual([]);
  });
});

describe('expression errors', () => {
  it.each([
    ['(a + b))', 'unexpected ")" at position 7', 7],
    ['a b', 'unexpected "b" at position 2', 2],
    ['2x', 'unexpected "x" at position 1', 1],
    ['a +', 'unexpected end of expression at position 3', 3],
    ['(a + b', 'unexpected end of expression at position 6', 6],
    ['a * / b', 'unexpected "/" at position 4', 4],
    ['()', 'unexpected ")" at position 1', 1],
    ['min(a,)', 'unexpected ")" at position 6', 6],
    ['a , b', 'unexpected "," at position 2', 2],
    ['a $ b', 'unexpected character "$" at position 2', 2],
    ['Fare', 'unexpected character "F" at position 0', 0],
    ['a ** 2', 'unexpected "*" at position 3', 3],
    ['1 + 1e', 'malformed number "1e" at position 4', 4],
    ['1e+', 'malformed number "1e+" at position 0', 0],
    ['1.2.3 + x', 'malformed number "1.2.3" at position 0', 0],
    ['. + 1', 'unexpected character "." at position 0', 0],
    ['1e999', 'number "1e999" is out of range at position 0', 0],
    ['lg(x)', 'unknown function "lg" at position 0 (known: abs, clip, exp, log, log1p, max, min, pow, sqrt)', 0],
    ['1 + constructor(x)', 'unknown function "constructor" at position 4 (known: abs, clip, exp, log, log1p, max, min, pow, sqrt)', 4],
    ['pow(2)', 'function "pow" takes 2 arguments, got 1 at position 0', 0],
    ['1 + log(1, 2)', 'function "log" takes 1 argument, got 2 at position 4', 4],
    ['abs()', 'function "abs" takes 1 argument, got 0 at position 0', 0],
    ['clip(x, 1)', 'function "clip" takes 3 arguments, got 2 at position 0', 0],
    ['', 'expression is empty', 0],
    ['  \t\n', 'expression is empty', 0],
  ])('rejects %j with %j', (source, message, position) => {
    const error = errorOf(source);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExpressionError');
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
  });

  it('accepts 1000 characters and rejects 1001', () => {
    const source = `x+1${' '.repeat(997)}`;
    expect(source).toHaveLength(1000);
    expect(calc(source, { x: 1 })).toBe(2);
    const error = errorOf(`${source} `);
    expect(error.message).toBe('expression is longer than 1000 characters');
    expect(error.position).toBe(1000);
  });

  it('accepts 50 levels of nesting and rejects 51', () => {
    const parens = (n: number) => `${'('.repeat(n)}x${')'.repeat(n)}`;
    expect(calc(parens(50), { x: 3 })).toBe(3);
    expect(errorOf(parens(51)).message).toBe('expression nests deeper than 50 levels at position 50');
  });

  it('counts calls, signs and exponents as nesting', () => {
    const calls = (n: number) => `${'abs('.repeat(n)}x${')'.repeat(n)}`;
    expect(calc(calls(50), { x: -3 })).toBe(3);
    expect(errorOf(calls(51)).message).toBe('expression nests deeper than 50 levels at position 203');
    expect(calc(`${'-'.repeat(50)}x`, { x: 3 })).toBe(3);
    expect(errorOf(`${'-'.repeat(51)}x`).message).toBe('expression nests deeper than 50 levels at position 50');
    expect(calc(`${'1^'.repeat(50)}1`)).toBe(1);
    expect(errorOf(`${'1^'.repeat(51)}1`).message).toBe('expression nests deeper than 50 levels at position 101');
  });

  it('evaluates long left-associative chains without a depth limit', () => {
    expect(calc(Array(400).fill('1').join('+'))).toBe(400);
  });
});

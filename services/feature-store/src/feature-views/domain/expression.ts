/**
 * A small arithmetic language for feature transforms, e.g. `log1p(fare) / max(distance, 0.1)`.
 *
 * Expressions come from users, so they are parsed by hand (never eval / new Function) and
 * bounded in length and nesting depth, which bounds the parser's and the evaluator's recursion.
 * Evaluation never throws: a missing or non-numeric input, or a result with no finite answer,
 * is null, like SQL, so one bad row cannot fail a whole materialization.
 */
export type ExpressionValue = number | null;

export interface CompiledExpression {
  source: string;
  /** Referenced column names, sorted and unique. */
  columns: string[];
  evaluate(row: Record<string, unknown>): ExpressionValue;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export const MAX_EXPRESSION_LENGTH = 1000;
export const MAX_EXPRESSION_DEPTH = 50;

interface FunctionSpec {
  arity: number;
  apply: (args: number[]) => number;
}

// A Map, not an object literal, so that `constructor(x)` or `toString(x)` is an unknown
// function rather than a lookup on Object.prototype.
const FUNCTIONS = new Map<string, FunctionSpec>([
  ['abs', { arity: 1, apply: ([x]) => Math.abs(x) }],
  // An empty range (lo > hi) has no sensible answer, so it is NaN and therefore null.
  ['clip', { arity: 3, apply: ([x, lo, hi]) => (lo > hi ? NaN : Math.min(Math.max(x, lo), hi)) }],
  ['exp', { arity: 1, apply: ([x]) => Math.exp(x) }],
  ['log', { arity: 1, apply: ([x]) => Math.log(x) }],
  ['log1p', { arity: 1, apply: ([x]) => Math.log1p(x) }],
  ['max', { arity: 2, apply: ([a, b]) => Math.max(a, b) }],
  ['min', { arity: 2, apply: ([a, b]) => Math.min(a, b) }],
  ['pow', { arity: 2, apply: ([a, b]) => a ** b }],
  ['sqrt', { arity: 1, apply: ([x]) => Math.sqrt(x) }],
]);
const KNOWN_FUNCTIONS = [...FUNCTIONS.keys()].sort().join(', ');

type BinaryOp = '+' | '-' | '*' | '/' | '^';
const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
};

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'column'; name: string }
  | { kind: 'negate'; operand: Node }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
  | { kind: 'call'; fn: FunctionSpec; args: Node[] };

interface Token {
  kind: 'number' | 'ident' | 'symbol' | 'end';
  text: string;
  position: number;
}

const fail = (problem: string, position: number, hint = ''): never => {
  throw new ExpressionError(`${problem} at position ${position}${hint}`, position);
};

const NUMBER = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const IDENT = /[a-z_][a-z0-9_]*/y;
// The characters of a mistyped number: word characters, dots, and a sign right after an exponent.
const NUMBER_RUN = /(?:[\w.]|(?<=[eE])[+-])*/y;
const SYMBOLS = new Set(['+', '-', '*', '/', '^', '(', ')', ',']);

function readNumber(source: string, start: number): Token {
  NUMBER.lastIndex = start;
  const text = NUMBER.exec(source)![0];
  const next = source[start + text.length] ?? '';
  // `1e`, `1.2.3` or `1e+` are typos in a number, so name the whole run rather than its tail.
  if (/[.eE]/.test(next)) {
    NUMBER_RUN.lastIndex = start;
    fail(`malformed number "${NUMBER_RUN.exec(source)![0]}"`, start);
  }
  if (!Number.isFinite(Number(text))) fail(`number "${text}" is out of range`, start);
  return { kind: 'number', text, position: start };
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    let token: Token;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (/\d/.test(ch) || (ch === '.' && /\d/.test(source[i + 1] ?? ''))) {
      token = readNumber(source, i);
    } else if (/[a-z_]/.test(ch)) {
      IDENT.lastIndex = i;
      token = { kind: 'ident', text: IDENT.exec(source)![0], position: i };
    } else if (SYMBOLS.has(ch)) {
      token = { kind: 'symbol', text: ch, position: i };
    } else {
      return fail(`unexpected character ${JSON.stringify(ch)}`, i);
    }
    tokens.push(token);
    i += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

/**
 * Recursive descent, loosest binding first:
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/') unary)*
 *   unary      := ('-' | '+') unary | power
 *   power      := primary ('^' unary)?          (right-associative; `-2^2` is -4, as in Python)
 *   primary    := number | column | name '(' arguments ')' | '(' expression ')'
 */
class Parser {
  private index = 0;
  private depth = 0;
  readonly columns = new Set<string>();

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.expression();
    if (this.peek().kind !== 'end') this.unexpected();
    return node;
  }

  private expression(): Node {
    return this.leftAssociative(['+', '-'], () => this.term());
  }

  private term(): Node {
    return this.leftAssociative(['*', '/'], () => this.unary());
  }

  /** A loop, not recursion, so `a + b + ...` costs no nesting depth. */
  private leftAssociative(ops: BinaryOp[], operand: () => Node): Node {
    let node = operand();
    while (ops.some((op) => this.isSymbol(op))) {
      const op = this.next().text as BinaryOp;
      node = { kind: 'binary', op, left: node, right: operand() };
    }
    return node;
  }

  private unary(): Node {
    if (!this.isSymbol('-') && !this.isSymbol('+')) return this.power();
    const sign = this.next();
    const operand = this.nested(sign, () => this.unary());
    return sign.text === '-' ? { kind: 'negate', operand } : operand;
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isSymbol('^')) return base;
    const caret = this.next();
    return { kind: 'binary', op: '^', left: base, right: this.nested(caret, () => this.unary()) };
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.kind === 'ident' && this.isSymbol('(')) return this.call(token);
    if (token.kind === 'ident') {
      this.columns.add(token.text);
      return { kind: 'column', name: token.text };
    }
    if (token.text !== '(') return this.unexpected(token);
    const inner = this.nested(token, () => this.expression());
    this.expect(')');
    return inner;
  }

  private call(name: Token): Node {
    const fn = FUNCTIONS.get(name.text);
    if (!fn) return fail(`unknown function "${name.text}"`, name.position, ` (known: ${KNOWN_FUNCTIONS})`);
    const args = this.nested(this.next(), () => {
      const parsed: Node[] = [];
      if (!this.isSymbol(')')) parsed.push(this.expression());
      while (this.isSymbol(',')) {
        this.next();
        parsed.push(this.expression());
      }
      return parsed;
    });
    this.expect(')');
    if (args.length !== fn.arity) {
      const noun = fn.arity === 1 ? 'argument' : 'arguments';
      fail(`function "${name.text}" takes ${fn.arity} ${noun}, got ${args.length}`, name.position);
    }
    return { kind: 'call', fn, args };
  }

  /** Each parenthesis, call, sign and exponent nests one level; the bound caps recursion. */
  private nested<T>(at: Token, parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_EXPRESSION_DEPTH) fail(`expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, at.position);
    const result = parse();
    this.depth -= 1;
    return result;
  }

  private expect(symbol: string): void {
    if (!this.isSymbol(symbol)) this.unexpected();
    this.next();
  }

  private unexpected(token = this.peek()): never {
    const what = token.kind === 'end' ? 'end of expression' : `"${token.text}"`;
    return fail(`unexpected ${what}`, token.position);
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index += 1;
    return token;
  }
}

type Evaluator = (row: Record<string, unknown>) => ExpressionValue;

/** Infinity and NaN have no place in a feature vector; -0 becomes 0 so equal rows compare equal. */
const finite = (x: number): ExpressionValue => (Number.isFinite(x) ? x + 0 : null);

function readColumn(value: unknown): ExpressionValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? finite(value) : null;
}

function compileCall(fn: FunctionSpec, args: Evaluator[]): Evaluator {
  return (row) => {
    const values: number[] = [];
    for (const arg of args) {
      const value = arg(row);
      if (value === null) return null;
      values.push(value);
    }
    return finite(fn.apply(values));
  };
}

/** Turns the tree into nested closures once, so evaluating a row does no interpretation work. */
function compileNode(node: Node): Evaluator {
  switch (node.kind) {
    case 'number': {
      const value = node.value;
      return () => value;
    }
    case 'column': {
      const name = node.name;
      return (row) => readColumn(row[name]);
    }
    case 'negate': {
      const operand = compileNode(node.operand);
      return (row) => {
        const value = operand(row);
        return value === null ? null : finite(-value);
      };
    }
    case 'binary': {
      const [left, right, apply] = [compileNode(node.left), compileNode(node.right), BINARY[node.op]];
      return (row) => {
        const a = left(row);
        const b = a === null ? null : right(row);
        return a === null || b === null ? null : finite(apply(a, b));
      };
    }
    case 'call':
      return compileCall(node.fn, node.args.map(compileNode));
  }
}

/** Parses and compiles `source`; throws ExpressionError naming the problem and its position. */
export function compileExpression(source: string): CompiledExpression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  }
  if (source.trim() === '') throw new ExpressionError('expression is empty', 0);
  const parser = new Parser(tokenize(source));
  const run = compileNode(parser.parseAll());
  return {
    source,
    columns: [...parser.columns].sort(),
    evaluate(row) {
      // Rows come from outside (a null row, a throwing getter or proxy); the contract is that
      // evaluation never throws, so anything unreadable is simply a null result.
      try {
        return run(row ?? {});
      } catch {
        return null;
      }
    },
  };
}

/** Problems with the columns an expression references, given the dataset's columns. */
export function validateColumns(
  expr: CompiledExpression,
  numericColumns: Set<string>,
  allColumns: Set<string>,
): string[] {
  return expr.columns.flatMap((name) => {
    if (!allColumns.has(name)) return [`column "${name}" is not in the dataset`];
    return numericColumns.has(name) ? [] : [`column "${name}" is not numeric`];
  });
}

/**
 * The tokenizer of MLflow's search grammars (runs and experiments share it): words (identifiers
 * and keywords), quoted strings ('single', "double", `backtick`, backslash escapes), numbers,
 * comparison operators, parentheses and commas. Each grammar parses the tokens into clauses that
 * the repositories bind as parameters: no filter text is ever spliced into SQL.
 */
import { invalidArgument } from '@mlops/errors';

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

/** The parse, with a parse error as INVALID_ARGUMENT naming the problem. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FilterError) throw invalidArgument(error.message);
    throw error;
  }
}

export type Token =
  | { kind: 'word'; text: string; at: number; end: number }
  | { kind: 'string'; text: string; quote: string; at: number; end: number }
  | { kind: 'number'; value: number; at: number; end: number }
  | { kind: 'op' | 'punct'; text: string; at: number; end: number };

/** entity.key (`metrics.accuracy`, tags.`a b`) or a bare name (`status`); the entity is lower case. */
export interface Identifier {
  entity?: string;
  key: string;
}

const WORD = /[A-Za-z_][A-Za-z0-9_.\-/:]*/y;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = /!=|<>|<=|>=|=|<|>/y;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (pattern: RegExp) => {
    pattern.lastIndex = i;
    return pattern.exec(text)?.[0];
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    let found: string | undefined;
    if (c === "'" || c === '"' || c === '`') {
      const value = quoted(text, i);
      i = value.end;
      tokens.push({ kind: 'string', text: value.text, quote: c, at, end: i });
    } else if ((found = match(WORD))) {
      tokens.push({ kind: 'word', text: found, at, end: (i += found.length) });
    } else if ((found = match(NUMBER))) {
      tokens.push({ kind: 'number', value: Number(found), at, end: (i += found.length) });
    } else if ((found = match(OPERATOR))) {
      tokens.push({ kind: 'op', text: found === '<>' ? '!=' : found, at, end: (i += found.length) });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at, end: ++i });
    } else {
      throw new FilterError(`cannot parse ${near(text, at)}: unexpected character "${c}"`);
    }
  }
  return tokens;
}

function quoted(text: string, start: number): { text: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) value += text[++i];
    else if (c === quote) return { text: value, end: i + 1 };
    else value += c;
  }
  throw new FilterError(`cannot parse ${near(text, start)}: the quote ${quote} is not closed`);
}

/** Where the text went wrong, for error messages: `the filter at "…"`. */
function near(text: string, at: number): string {
  const rest = text.slice(at);
  return at >= text.length ? `"${text}": it ends too soon` : `"${text}" at "${rest.length > 40 ? `${rest.slice(0, 40)}…` : rest}"`;
}

/** A cursor over the tokens of one text, with the steps every grammar takes. */
export class TokenStream {
  private i = 0;
  private readonly tokens: Token[];

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  next(): Token | undefined {
    return this.tokens[this.i++];
  }

  /** Takes the keyword (any case) when it comes next. */
  keyword(word: string): boolean {
    const t = this.peek();
    if (t?.kind !== 'word' || t.text.toUpperCase() !== word) return false;
    this.i++;
    return true;
  }

  /** `entity.key` with the key bare or quoted right after the dot (tags.`a b`), or a bare name. */
  identifier(): Identifier {
    const t = this.next();
    if (t?.kind !== 'word') this.fail('expected a name such as metrics.accuracy', t);
    const dot = t.text.indexOf('.');
    if (dot < 0) return { key: t.text };
    let key = t.text.slice(dot + 1);
    if (key.endsWith('.') || key === '') {
      const quotedKey = this.peek();
      if (quotedKey?.kind !== 'string' || quotedKey.at !== t.end) this.fail(`"${t.text}" needs a key after the dot`, t);
      key += quotedKey.text;
      this.i++;
    }
    return { entity: t.text.slice(0, dot).toLowerCase(), key };
  }

  /** Refuses the text, pointing at the token where it went wrong (default: the next one). */
  fail(problem: string, at: Token | undefined = this.peek()): never {
    throw new FilterError(`cannot parse ${near(this.text, at ? at.at : this.text.length)}: ${problem}`);
  }
}

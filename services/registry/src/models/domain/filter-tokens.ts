/**
 * The tokens of MLflow's search filters: words (identifiers and keywords), quoted strings
 * ('single', "double", `backtick` for keys, backslash escapes), numbers, comparison operators,
 * parentheses and commas. The same approach as the training service's run-filter tokenizer
 * (services/training/src/tracking/domain/filter-tokens.ts), kept here so the registry does not
 * reach into another service; the grammars bind every value as a parameter, never as SQL text.
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
  | { kind: 'word' | 'op' | 'punct'; text: string; at: number; end: number }
  | { kind: 'string'; text: string; quote: string; at: number; end: number }
  | { kind: 'number'; text: string; value: number; at: number; end: number };

/** `entity.key` (tags.team, tags.`a b`) or a bare name (name); the entity is lower case. */
export interface Identifier {
  entity?: string;
  key: string;
  token: Token;
}

const WORD = /[A-Za-z_][A-Za-z0-9_.\-/:]*/y;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = /!=|<>|<=|>=|=|<|>/y;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const match = (pattern: RegExp, at: number) => {
    pattern.lastIndex = at;
    return pattern.exec(text)?.[0];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const at = i;
    let found: string | undefined;
    if (/\s/.test(c)) i++;
    else if (c === "'" || c === '"' || c === '`') {
      const value = quoted(text, i);
      tokens.push({ kind: 'string', text: value.text, quote: c, at, end: (i = value.end) });
    } else if ((found = match(WORD, i))) tokens.push({ kind: 'word', text: found, at, end: (i += found.length) });
    else if ((found = match(NUMBER, i))) tokens.push({ kind: 'number', text: found, value: Number(found), at, end: (i += found.length) });
    else if ((found = match(OPERATOR, i))) tokens.push({ kind: 'op', text: found === '<>' ? '!=' : found, at, end: (i += found.length) });
    else if (c === '(' || c === ')' || c === ',') tokens.push({ kind: 'punct', text: c, at, end: ++i });
    else throw new FilterError(`cannot parse ${near(text, at)}: unexpected character "${c}"`);
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

/** Where the text went wrong: `"<text>" at "<rest>"`. */
function near(text: string, at: number): string {
  const shown = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
  return at >= text.length ? `"${shown(text)}": it ends too soon` : `"${shown(text)}" at "${shown(text.slice(at))}"`;
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

  /** `entity.key`, the key bare or quoted right after the dot (tags.`a b`), or a bare name. */
  identifier(): Identifier {
    const t = this.next();
    if (t?.kind !== 'word') return this.fail('expected a name such as name or tags.<key>', t);
    const dot = t.text.indexOf('.');
    if (dot < 0) return { key: t.text, token: t };
    let key = t.text.slice(dot + 1);
    if (key === '') {
      const quotedKey = this.peek();
      if (quotedKey?.kind !== 'string' || quotedKey.at !== t.end) this.fail(`"${t.text}" needs a key after the dot`, t);
      key = quotedKey.text;
      this.i++;
    }
    return { entity: t.text.slice(0, dot).toLowerCase(), key, token: t };
  }

  /** Refuses the text, pointing at the token where it went wrong (default: the next one). */
  fail(problem: string, at: Token | undefined = this.peek()): never {
    throw new FilterError(`cannot parse ${near(this.text, at ? at.at : this.text.length)}: ${problem}`);
  }
}

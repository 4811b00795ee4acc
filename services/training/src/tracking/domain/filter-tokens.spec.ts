import { FilterError, TokenStream, tokenize } from './filter-tokens';

describe('tokenize', () => {
  it('reads words, quoted strings, numbers, operators and punctuation with their positions', () => {
    expect(tokenize(`tags.\`a b\`>=-1.5E3 AND x IN ("q\\"r", 'it\\'s')`).map((t) => ('value' in t ? t.value : t.text))).toEqual([
      'tags.', 'a b', '>=', -1500, 'AND', 'x', 'IN', '(', 'q"r', ',', "it's", ')',
    ]);
    expect(tokenize('a<>.5')).toMatchObject([{ kind: 'word', text: 'a', at: 0, end: 1 }, { kind: 'op', text: '!=' }, { kind: 'number', value: 0.5, at: 3, end: 5 }]);
    expect(tokenize('   ')).toEqual([]);
  });

  it('refuses what it cannot read, saying where', () => {
    expect(() => tokenize('a = 1; drop')).toThrow(new FilterError('cannot parse "a = 1; drop" at "; drop": unexpected character ";"'));
    expect(() => tokenize(`a = 'x`)).toThrow(`the quote ' is not closed`);
  });
});

describe('TokenStream.identifier', () => {
  const identifier = (text: string) => new TokenStream(text).identifier();

  it('splits the entity at the first dot and takes a quoted key right after it', () => {
    expect(identifier('metrics.val.loss')).toEqual({ entity: 'metrics', key: 'val.loss' });
    expect(identifier('Tags.`a b`')).toEqual({ entity: 'tags', key: 'a b' });
    expect(identifier('tags."x"')).toEqual({ entity: 'tags', key: 'x' });
    expect(identifier('status')).toEqual({ key: 'status' });
  });

  it('refuses a dot with nothing after it, or a key that is not next to it', () => {
    expect(() => identifier('tags. `a`')).toThrow('"tags." needs a key after the dot');
    expect(() => identifier("'x'")).toThrow('expected a name');
  });
});

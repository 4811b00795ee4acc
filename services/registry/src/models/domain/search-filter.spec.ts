import { FilterError, parsed, tokenize } from './filter-tokens';
import { MAX_CLAUSES, MAX_LIST_VALUES, parseModelFilter, parseModelOrder, parseVersionFilter, parseVersionOrder } from './search-filter';

const problem = (parse: () => unknown): string => {
  try {
    parse();
  } catch (error) {
    if (error instanceof FilterError) return error.message;
    throw error;
  }
  throw new Error('parsed without a problem');
};

describe('tokenize', () => {
  it('reads words, quoted strings with escapes, numbers, operators and punctuation', () => {
    expect(tokenize(`tags.\`a b\`>=-1.5E3 AND x IN ("q\\"r", 'it\\'s') <> 2`).map((t) => t.text)).toEqual([
      'tags.', 'a b', '>=', '-1.5E3', 'AND', 'x', 'IN', '(', 'q"r', ',', "it's", ')', '!=', '2',
    ]);
    expect(tokenize('  ')).toEqual([]);
  });

  it('names the place of an unexpected character or an open quote', () => {
    expect(problem(() => tokenize("name = 'x' ; drop"))).toBe('cannot parse "name = \'x\' ; drop" at "; drop": unexpected character ";"');
    expect(problem(() => tokenize("name = 'x"))).toBe('cannot parse "name = \'x" at "\'x": the quote \' is not closed');
  });
});

describe('registered model filter', () => {
  it('parses name and tag clauses joined by AND, keywords in any case', () => {
    expect(parseModelFilter(`name = 'churn' and name LIKE '%ch%' AND name ilike 'C%' AND tags.team != "risk" AND tags.\`cost center\` = 'x' AND attributes.name = 'y'`)).toEqual([
      { field: 'name', comparator: '=', value: 'churn' },
      { field: 'name', comparator: 'LIKE', value: '%ch%' },
      { field: 'name', comparator: 'ILIKE', value: 'C%' },
      { field: 'tag', key: 'team', comparator: '!=', value: 'risk' },
      { field: 'tag', key: 'cost center', comparator: '=', value: 'x' },
      { field: 'name', comparator: '=', value: 'y' },
    ]);
    expect(parseModelFilter('')).toEqual([]);
    expect(parseModelFilter('   ')).toEqual([]);
    expect(parseModelFilter("tags.mlflow.user = 'ann'")).toEqual([{ field: 'tag', key: 'mlflow.user', comparator: '=', value: 'ann' }]);
  });

  it('refuses what registered models do not have, naming the token', () => {
    expect(problem(() => parseModelFilter("name = 'a' AND run_id = 'r'"))).toBe('unknown attribute "run_id" for registered models (name; tags need tags.<key>)');
    expect(problem(() => parseModelFilter("metrics.auc = 'a'"))).toBe('unknown entity "metrics" in "metrics.auc" for registered models (name; tags need tags.<key>)');
    expect(problem(() => parseModelFilter("name IN ('a')"))).toBe('cannot parse "name IN (\'a\')" at "IN (\'a\')": name takes = != LIKE ILIKE, not IN');
    expect(problem(() => parseModelFilter('name = 3'))).toBe('cannot parse "name = 3" at "3": name must be compared with a quoted string');
    expect(problem(() => parseModelFilter("name = 'a' OR name = 'b'"))).toBe('cannot parse "name = \'a\' OR name = \'b\'" at "OR name = \'b\'": expected AND between clauses (OR is not supported)');
    expect(problem(() => parseModelFilter("name 'a'"))).toMatch(/at "'a'": expected a comparator/);
    expect(problem(() => parseModelFilter('name ='))).toBe('cannot parse "name =": it ends too soon: name must be compared with a quoted string');
    expect(problem(() => parseModelFilter("tags. = 'a'"))).toMatch(/"tags\." needs a key after the dot/);
    expect(problem(() => parseModelFilter("name = `a`"))).toMatch(/must be compared with a quoted string/);
  });

  it('bounds the filter: its length and its clauses', () => {
    expect(problem(() => parseModelFilter(`name = '${'x'.repeat(4000)}'`))).toBe('filter is 4009 characters long, more than 4000');
    const clauses = (n: number) => Array.from({ length: n }, (_, i) => `tags.k${i} = 'v'`).join(' AND ');
    expect(parseModelFilter(clauses(MAX_CLAUSES))).toHaveLength(MAX_CLAUSES);
    expect(problem(() => parseModelFilter(clauses(MAX_CLAUSES + 1)))).toMatch(/a filter takes at most 20 clauses$/);
  });
});

describe('model version filter', () => {
  it('parses name lists, version numbers, run ids, source paths and tags', () => {
    expect(parseVersionFilter(`name IN ('a', "b") AND version_number >= 2 AND version_number NOT IN (5, 7) AND run_id = 'r1' AND run_id in ('r2') AND source_path LIKE 'mlflow-artifacts:/1/%' AND tags.stage = 'dev'`)).toEqual([
      { field: 'name', comparator: 'IN', value: ['a', 'b'] },
      { field: 'version_number', comparator: '>=', value: 2 },
      { field: 'version_number', comparator: 'NOT IN', value: [5, 7] },
      { field: 'run_id', comparator: '=', value: 'r1' },
      { field: 'run_id', comparator: 'IN', value: ['r2'] },
      { field: 'source_path', comparator: 'LIKE', value: 'mlflow-artifacts:/1/%' },
      { field: 'tag', key: 'stage', comparator: '=', value: 'dev' },
    ]);
  });

  it('refuses values of the wrong kind and over-long lists', () => {
    expect(problem(() => parseVersionFilter("version_number = '3'"))).toBe('cannot parse "version_number = \'3\'" at "\'3\'": version_number must be compared with a whole number from 0 to 2147483647');
    expect(problem(() => parseVersionFilter('version_number > 1.5'))).toMatch(/at "1\.5": version_number must be compared with a whole number/);
    expect(problem(() => parseVersionFilter('version_number LIKE 2'))).toMatch(/version_number takes = != > >= < <= IN NOT IN, not LIKE$/);
    expect(problem(() => parseVersionFilter("run_id IN ('a', 2)"))).toMatch(/at "2\)": run_id must be compared with a quoted string$/);
    expect(problem(() => parseVersionFilter("run_id IN 'a'"))).toMatch(/run_id IN takes a list such as/);
    expect(problem(() => parseVersionFilter("run_id IN ('a' 'b')"))).toMatch(/at "'b'\)": expected , or \) in the list$/);
    expect(problem(() => parseVersionFilter("tags.a IN ('x')"))).toMatch(/tag "a" takes = != LIKE ILIKE, not IN$/);
    const list = (n: number) => `run_id IN (${Array.from({ length: n }, (_, i) => `'${i}'`).join(',')})`;
    expect((parseVersionFilter(list(MAX_LIST_VALUES))[0]!.value as string[]).length).toBe(MAX_LIST_VALUES);
    expect(problem(() => parseVersionFilter(list(MAX_LIST_VALUES + 1)))).toMatch(/a list takes at most 200 values$/);
  });
});

describe('order_by', () => {
  it('defaults to MLflow\'s orders and always ends with the tie-breakers', () => {
    expect(parseModelOrder([])).toEqual([{ field: 'name', descending: false }]);
    expect(parseModelOrder(['last_updated_timestamp DESC'])).toEqual([{ field: 'last_updated_timestamp', descending: true }, { field: 'name', descending: false }]);
    expect(parseModelOrder(['name desc'])).toEqual([{ field: 'name', descending: true }]);
    expect(parseVersionOrder([])).toEqual([
      { field: 'last_updated_timestamp', descending: true },
      { field: 'name', descending: false },
      { field: 'version_number', descending: true },
    ]);
    expect(parseVersionOrder(['version_number ASC', 'attribute.creation_timestamp', 'timestamp DESC'])).toEqual([
      { field: 'version_number', descending: false },
      { field: 'creation_timestamp', descending: false },
      { field: 'last_updated_timestamp', descending: true },
      { field: 'name', descending: false },
    ]);
  });

  it('refuses unknown fields, repeats and trailing words', () => {
    expect(problem(() => parseModelOrder(['version_number DESC']))).toBe('cannot order registered models by "version_number DESC": expected one of name, creation_timestamp, last_updated_timestamp, then ASC or DESC');
    expect(problem(() => parseVersionOrder(['tags.a']))).toMatch(/^cannot order model versions by "tags\.a"/);
    expect(problem(() => parseVersionOrder(['name', 'name DESC']))).toBe('order_by names name twice');
    expect(problem(() => parseVersionOrder(['name DESC x']))).toMatch(/at "x": expected one of/);
    expect(problem(() => parseVersionOrder(['']))).toMatch(/ends too soon/);
    expect(problem(() => parseVersionOrder(Array(6).fill('name')))).toBe('order_by takes at most 5 terms, got 6');
  });
});

describe('parsed', () => {
  it('turns a filter problem into INVALID_ARGUMENT with the same message', () => {
    expect(() => parsed(() => parseModelFilter('bogus = 1'))).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT', message: expect.stringContaining('unknown attribute "bogus"') }));
  });
});

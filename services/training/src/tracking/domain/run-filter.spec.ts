import { FilterError, MAX_CLAUSES, MAX_ORDER_TERMS, parseFilter, parseOrderBy } from './run-filter';

describe('parseFilter', () => {
  it('parses clauses of every entity, quotes and comparators', () => {
    expect(parseFilter(`metrics.accuracy >= 0.9 and params.C = '1.0' AND tags."team name" != "ml and ops" and attributes.status = 'FINISHED'`)).toEqual([
      { entity: 'metrics', key: 'accuracy', comparator: '>=', value: 0.9 },
      { entity: 'params', key: 'C', comparator: '=', value: '1.0' },
      { entity: 'tags', key: 'team name', comparator: '!=', value: 'ml and ops' },
      { entity: 'attributes', key: 'status', comparator: '=', value: 'FINISHED' },
    ]);
    expect(parseFilter('  ')).toEqual([]);
    expect(parseFilter(`params.model LIKE 'gb%'`)).toEqual([{ entity: 'params', key: 'model', comparator: 'LIKE', value: 'gb%' }]);
    expect(parseFilter('metrics.loss < -1.5e-3')).toEqual([{ entity: 'metrics', key: 'loss', comparator: '<', value: -0.0015 }]);
  });

  it("covers MLflow's search_runs grammar: aliases, quoted keys, ILIKE, IN lists, bare attributes", () => {
    expect(parseFilter("metric.acc>0.9 AND param.lr='0.1' and tag.team = 'x' and attribute.user_id = 'ana'")).toEqual([
      { entity: 'metrics', key: 'acc', comparator: '>', value: 0.9 },
      { entity: 'params', key: 'lr', comparator: '=', value: '0.1' },
      { entity: 'tags', key: 'team', comparator: '=', value: 'x' },
      { entity: 'attributes', key: 'user_id', comparator: '=', value: 'ana' },
    ]);
    expect(parseFilter("tags.`mlflow.runName` ILIKE '%Base%' and tags.mlflow.source.type = 'LOCAL' and metrics.`val loss` <= 1")).toEqual([
      { entity: 'tags', key: 'mlflow.runName', comparator: 'ILIKE', value: '%Base%' },
      { entity: 'tags', key: 'mlflow.source.type', comparator: '=', value: 'LOCAL' },
      { entity: 'metrics', key: 'val loss', comparator: '<=', value: 1 },
    ]);
    expect(parseFilter(`attributes.run_id IN ('a1', "b2") and attributes.status NOT IN ('FAILED','KILLED')`)).toEqual([
      { entity: 'attributes', key: 'run_id', comparator: 'IN', value: ['a1', 'b2'] },
      { entity: 'attributes', key: 'status', comparator: 'NOT IN', value: ['FAILED', 'KILLED'] },
    ]);
    expect(parseFilter("status = 'FINISHED' and start_time >= 1700000000000 and run.end_time < 1800000000000 and run_name != 'x'")).toEqual([
      { entity: 'attributes', key: 'status', comparator: '=', value: 'FINISHED' },
      { entity: 'attributes', key: 'start_time', comparator: '>=', value: 1700000000000 },
      { entity: 'attributes', key: 'end_time', comparator: '<', value: 1800000000000 },
      { entity: 'attributes', key: 'run_name', comparator: '!=', value: 'x' },
    ]);
    expect(parseFilter(`params.note = 'it\\'s' and metrics.x <> 2`)).toEqual([
      { entity: 'params', key: 'note', comparator: '=', value: "it's" },
      { entity: 'metrics', key: 'x', comparator: '!=', value: 2 },
    ]);
  });

  it.each([
    ['metrics.accuracy > high', 'cannot parse'],
    [`metrics.accuracy > '0.9'`, 'must be compared with a number'],
    ['params.C = 1', 'must be compared with a quoted string'],
    [`attributes.color = 'red'`, 'unknown attribute "color"'],
    [`things.x = 'y'`, 'unknown entity "things"'],
    [`metrics.a > 1; DROP TABLE runs`, 'unexpected character ";"'],
    [`metrics.a > 1 or metrics.b > 2`, 'expected AND between clauses'],
    [`metrics.a LIKE 1`, 'metric "a" takes = != > >= < <=, not LIKE'],
    [`params.a IN ('x')`, 'only string attributes'],
    [`attributes.run_id IN 'x'`, "expected a list such as ('a', 'b')"],
    [`attributes.run_id IN ('x' 'y')`, 'expected , or ) in the list'],
    [`attributes.run_id IN ('x', 3)`, 'expected a quoted string in the list'],
    [`attributes.start_time > '5'`, 'attribute "start_time" must be compared with a number'],
    [`attributes.start_time LIKE 5`, 'attribute "start_time" takes'],
    [`attributes.status > 'A'`, 'attribute "status" takes =, !=, LIKE, ILIKE, IN, NOT IN, not >'],
    [`attributes.run_name = 3`, 'attribute "run_name" must be compared with a quoted string'],
    [`accuracy > 0.9`, 'unknown attribute "accuracy"'],
    [`tags. = 'x'`, 'needs a key after the dot'],
    [`params.a = 'open`, 'the quote \' is not closed'],
    [`params.a NOT LIKE 'x'`, 'expected IN after NOT'],
    [`params.a 'x'`, 'expected a comparator'],
    [`params.a =`, 'it ends too soon'],
    [`metrics.a > 1 and`, 'it ends too soon'],
  ])('refuses %s', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
    expect(() => parseFilter(filter)).toThrow(message);
  });
});

describe('parseOrderBy', () => {
  it('parses terms with directions', () => {
    expect(parseOrderBy(['metrics.accuracy DESC', 'attributes.start_time'])).toEqual([
      { entity: 'metrics', key: 'accuracy', descending: true },
      { entity: 'attributes', key: 'start_time', descending: false },
    ]);
    expect(() => parseOrderBy(['accuracy DESC'])).toThrow(FilterError);
  });

  it('takes quoted keys, aliases, bare attributes and either case of direction', () => {
    expect(parseOrderBy(['tags.`mlflow.runName` desc', 'param."learning rate" ASC', 'start_time', 'attributes.user_id DESC'])).toEqual([
      { entity: 'tags', key: 'mlflow.runName', descending: true },
      { entity: 'params', key: 'learning rate', descending: false },
      { entity: 'attributes', key: 'start_time', descending: false },
      { entity: 'attributes', key: 'user_id', descending: true },
    ]);
    expect(() => parseOrderBy(['metrics.a DESC ASC'])).toThrow('expected <entity>.<key> [ASC|DESC]');
    expect(() => parseOrderBy([''])).toThrow(FilterError);
    expect(() => parseOrderBy(['attributes.color'])).toThrow('unknown attribute "color"');
  });
  it('bounds what one search may ask: clauses, order_by terms and their length', () => {
    const clauses = (n: number) => Array.from({ length: n }, (_, i) => `metrics.m${i} > 0`).join(' AND ');
    expect(parseFilter(clauses(MAX_CLAUSES))).toHaveLength(MAX_CLAUSES);
    expect(() => parseFilter(clauses(MAX_CLAUSES + 1))).toThrow(new FilterError(`a filter takes at most ${MAX_CLAUSES} clauses`));
    expect(parseOrderBy(Array.from({ length: MAX_ORDER_TERMS }, (_, i) => `metrics.m${i}`))).toHaveLength(MAX_ORDER_TERMS);
    expect(() => parseOrderBy(Array.from({ length: MAX_ORDER_TERMS + 1 }, (_, i) => `metrics.m${i}`))).toThrow(`order_by takes at most ${MAX_ORDER_TERMS} terms, got ${MAX_ORDER_TERMS + 1}`);
    expect(() => parseOrderBy([`metrics.${'x'.repeat(400)}`])).toThrow('an order_by term is 408 characters long, more than 300');
  });
});

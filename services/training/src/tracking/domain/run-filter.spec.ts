import { FilterError, parseFilter, parseOrderBy } from './run-filter';

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

  it.each([
    ['metrics.accuracy > high', 'cannot parse'],
    [`metrics.accuracy > '0.9'`, 'must be compared with a number'],
    ['params.C = 1', 'must be compared with a quoted string'],
    [`attributes.color = 'red'`, 'unknown attribute "color"'],
    [`things.x = 'y'`, 'unknown entity "things"'],
    [`metrics.a > 1; DROP TABLE runs`, 'cannot parse'],
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
});

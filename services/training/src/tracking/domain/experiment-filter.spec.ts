import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-filter';
import { FilterError } from './filter-tokens';

describe('parseExperimentFilter', () => {
  it("parses MLflow's search_experiments grammar", () => {
    expect(parseExperimentFilter(`name LIKE 'churn%' and attribute.name != "x" AND tags.team = 'risk' and tags.\`cost center\` ILIKE '%ops%'`)).toEqual([
      { field: 'name', comparator: 'LIKE', value: 'churn%' },
      { field: 'name', comparator: '!=', value: 'x' },
      { field: 'tags', key: 'team', comparator: '=', value: 'risk' },
      { field: 'tags', key: 'cost center', comparator: 'ILIKE', value: '%ops%' },
    ]);
    expect(parseExperimentFilter('creation_time > 1700000000000 and attributes.last_update_time <= 1800000000000')).toEqual([
      { field: 'creation_time', comparator: '>', value: 1700000000000 },
      { field: 'last_update_time', comparator: '<=', value: 1800000000000 },
    ]);
    expect(parseExperimentFilter(' ')).toEqual([]);
  });

  it.each([
    [`name > 'a'`, 'name takes = != LIKE ILIKE, not >'],
    [`name = 3`, 'name must be compared with a quoted string'],
    [`creation_time LIKE '1%'`, 'creation_time takes = != > >= < <=, not LIKE'],
    [`creation_time = '1'`, 'creation_time must be compared with a number'],
    [`tags.team IN ('a')`, 'tag "team" takes = != LIKE ILIKE, not IN'],
    [`experiment_id = '1'`, 'unknown experiment attribute "experiment_id"'],
    [`metrics.a > 1`, 'unknown entity "metrics"'],
    [`name = 'a' or name = 'b'`, 'expected AND between clauses'],
    [`name = 'a'; drop`, 'unexpected character ";"'],
  ])('refuses %s', (filter, message) => {
    expect(() => parseExperimentFilter(filter)).toThrow(FilterError);
    expect(() => parseExperimentFilter(filter)).toThrow(message);
  });
});

describe('parseExperimentOrderBy', () => {
  it('defaults to newest first and always ends with experiment_id', () => {
    expect(parseExperimentOrderBy([])).toEqual([
      { field: 'creation_time', descending: true },
      { field: 'experiment_id', descending: false },
    ]);
    expect(parseExperimentOrderBy(['name', 'attribute.last_update_time DESC'])).toEqual([
      { field: 'name', descending: false },
      { field: 'last_update_time', descending: true },
      { field: 'experiment_id', descending: false },
    ]);
    expect(parseExperimentOrderBy(['experiment_id desc'])).toEqual([{ field: 'experiment_id', descending: true }]);
  });

  it('refuses other terms and repeats', () => {
    expect(() => parseExperimentOrderBy(['run_count'])).toThrow('cannot order experiments by "run_count": use name, creation_time, last_update_time, experiment_id');
    expect(() => parseExperimentOrderBy(['tags.x'])).toThrow(FilterError);
    expect(() => parseExperimentOrderBy(['name', 'name DESC'])).toThrow('order_by names name twice');
    expect(() => parseExperimentOrderBy(['name sideways'])).toThrow('expected one of');
  });
});

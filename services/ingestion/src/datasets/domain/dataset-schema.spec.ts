import { specProblems } from './dataset-schema';
import { compareSchemas } from './schema-evolution';
import { tripsSchema } from './test-schema';

describe('dataset definitions', () => {
  it('accepts a well-formed schema', () => {
    expect(specProblems(tripsSchema())).toEqual([]);
  });

  it('names every problem of a bad one', () => {
    const bad = tripsSchema({
      dataset: 'Trips!',
      entityColumn: 'fare',
      eventTimeColumn: 'nope',
      columns: [
        ...tripsSchema().columns,
        { name: 'fare', type: 'float', nullable: false, categories: [], description: '' },
        { name: 'zone', type: 'int', nullable: true, categories: ['a'], description: '' },
        { name: 'dist', type: 'float', nullable: true, min: 5, max: 1, categories: [], description: '' },
      ],
    });
    expect(specProblems(bad)).toEqual([
      'dataset name "Trips!" must match ^[a-z][a-z0-9_-]{0,62}$',
      'column "fare" is defined twice',
      'column "zone": categories apply to string columns only',
      'column "dist": min 5 is above max 1',
      'entity column "fare" must be a non-nullable string or int',
      'event-time column "nope" is not a column',
    ]);
  });
});

describe('schema evolution', () => {
  const base = tripsSchema();
  const withColumns = (columns = base.columns) => ({ ...base, columns });

  it('treats the same definition as identical', () => {
    expect(compareSchemas(base, tripsSchema())).toEqual({ kind: 'identical' });
  });

  it('allows adding nullable columns, relaxing constraints and widening int to float', () => {
    const next = withColumns([
      { ...base.columns[0], type: 'float' },
      base.columns[1],
      { ...base.columns[2], min: undefined, max: 5000 },
      { ...base.columns[3], categories: ['card', 'cash', 'voucher'] },
      base.columns[4],
      base.columns[5],
      { name: 'zone', type: 'string', nullable: true, categories: [], description: '' },
    ]);
    expect(compareSchemas(base, next)).toEqual({
      kind: 'compatible',
      changes: [
        'column "driver_id" widened from int to float',
        'column "fare" minimum relaxed',
        'column "fare" maximum relaxed',
        'column "payment" categories extended',
        'column "zone" added',
      ],
    });
  });

  it('refuses changes that would break stored records or readers, with the reasons', () => {
    const next = {
      ...withColumns([
        { ...base.columns[0] },
        base.columns[1],
        { ...base.columns[2], type: 'string' as const, min: 1 },
        { ...base.columns[3], categories: ['card'] },
        { ...base.columns[4], nullable: false },
        { name: 'zone', type: 'string' as const, nullable: false, categories: [], description: '' },
      ]),
      labelColumn: '',
    };
    expect(compareSchemas(base, next)).toEqual({
      kind: 'incompatible',
      reasons: [
        'labelColumn cannot change ("tip" → "")',
        'column "fare" cannot change type from float to string',
        'column "fare" minimum cannot be raised (0 → 1)',
        'column "payment" categories cannot be narrowed (removed: cash)',
        'column "airport" cannot become non-nullable',
        'column "tip" cannot be removed',
        'new column "zone" must be nullable (stored records do not have it)',
      ],
    });
  });
});

import type { DatasetSchema } from './dataset-schema';

/** A small taxi-trips schema used by the unit tests. */
export function tripsSchema(overrides: Partial<DatasetSchema> = {}): DatasetSchema {
  return {
    dataset: 'trips',
    schemaVersion: 1,
    createdAt: new Date(0),
    streamBuckets: 6,
    entityColumn: 'driver_id',
    eventTimeColumn: 'ts',
    labelColumn: 'tip',
    description: '',
    versionEveryRecords: 0,
    versionEverySeconds: 0,
    columns: [
      { name: 'driver_id', type: 'int', nullable: false, categories: [], description: '' },
      { name: 'ts', type: 'timestamp', nullable: false, categories: [], description: '' },
      { name: 'fare', type: 'float', nullable: false, min: 0, max: 1000, categories: [], description: '' },
      { name: 'payment', type: 'string', nullable: false, categories: ['card', 'cash'], description: '' },
      { name: 'airport', type: 'bool', nullable: true, categories: [], description: '' },
      { name: 'tip', type: 'float', nullable: true, categories: [], description: '' },
    ],
    ...overrides,
  };
}

// Data sets the benchmarks share: a dataset of events per user, loaded through ingestion's gRPC API.
import { grpcClient } from '@mlops/testing';

export type Client = ReturnType<typeof grpcClient>;

export const USERS_DATASET = (dataset: string) => ({
  dataset,
  entityColumn: 'user_id',
  eventTimeColumn: 'ts',
  labelColumn: 'churned',
  columns: [
    { name: 'user_id', type: 'COLUMN_TYPE_STRING' },
    { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
    { name: 'amount', type: 'COLUMN_TYPE_FLOAT' },
    { name: 'sessions', type: 'COLUMN_TYPE_INT' },
    { name: 'country', type: 'COLUMN_TYPE_STRING', categories: ['de', 'fr', 'us', 'jp'] },
    { name: 'churned', type: 'COLUMN_TYPE_INT', nullable: true },
  ],
});

export const T0 = Date.UTC(2026, 0, 1);

/** n records over `users` users, one a second, so user u has an event every `users` seconds. */
export async function loadUsers(ingest: Client, dataset: string, n: number, users: number): Promise<void> {
  const countries = ['de', 'fr', 'us', 'jp'];
  const batches = [];
  for (let start = 0; start < n; start += 2000) {
    batches.push({
      dataset,
      records: Array.from({ length: Math.min(2000, n - start) }, (_, k) => {
        const i = start + k;
        return {
          recordId: `r${i}`,
          fields: {
            user_id: { stringValue: `u${i % users}` },
            ts: { timestampMs: T0 + i * 1000 },
            amount: { floatValue: (i * 37) % 1000 / 10 },
            sessions: { intValue: i % 13 },
            country: { stringValue: countries[i % 4] },
            churned: { intValue: i % 5 === 0 ? 1 : 0 },
          },
        };
      }),
    });
  }
  const result = await ingest.StreamRecords(batches);
  if (result.accepted + result.duplicates !== n) throw new Error(`loaded ${result.accepted} of ${n}: ${JSON.stringify(result.results.find((r: { reason: string }) => r.reason))}`);
}

export const USER_VIEW = (name: string, dataset: string) => ({
  name,
  sourceDataset: dataset,
  features: [
    { name: 'amount', column: { column: 'amount' } },
    { name: 'sessions', column: { column: 'sessions' } },
    { name: 'log_amount', expression: { expr: 'log1p(amount)' } },
    { name: 'country', oneHot: { column: 'country', categories: ['de', 'fr', 'us', 'jp'] } },
  ],
});

export const USER_VIEW_WITH_WINDOWS = (name: string, dataset: string) => ({
  ...USER_VIEW(name, dataset),
  features: [
    ...USER_VIEW(name, dataset).features,
    { name: 'events_1h', window: { function: 'AGGREGATE_FUNCTION_COUNT', windowSeconds: 3600 } },
    { name: 'amount_mean_1h', window: { column: 'amount', function: 'AGGREGATE_FUNCTION_MEAN', windowSeconds: 3600 } },
  ],
});

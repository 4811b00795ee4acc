import { int, oneOf, readEnv } from '@mlops/config';

/** Settings of the ingestion service beyond the platform's own (validated at start). */
export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');

export function loadIngestionConfig(env = process.env) {
  const values = readEnv(
    {
      INGESTION_MAX_RECORD_BYTES: int(64 * 1024, 64, 16 * 1024 * 1024),
      INGESTION_CHUNK_SIZE: int(2000, 1, 50_000),
      // How accepted rows reach the offline store: binary COPY (the default, the fastest path
      // measured, docs/benchmarks.md) or the batched INSERT ... ON CONFLICT it replaced.
      INGESTION_STORE: oneOf(['copy', 'insert'] as const, 'copy'),
    },
    env,
  );
  return { maxRecordBytes: values.INGESTION_MAX_RECORD_BYTES, chunkSize: values.INGESTION_CHUNK_SIZE, store: values.INGESTION_STORE };
}

export type IngestionConfig = ReturnType<typeof loadIngestionConfig>;

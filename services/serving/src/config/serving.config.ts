import { bool, int, num, oneOf, readEnv } from '@mlops/config';

export const SERVING_CONFIG = Symbol('SERVING_CONFIG');

/** Settings of the serving service beyond the platform's own (validated at start). */
export function loadServingConfig(env: Record<string, string | undefined> = process.env) {
  const v = readEnv(
    {
      SERVING_MAX_BATCH_SIZE: int(32, 1, 4096),
      SERVING_MAX_QUEUE_DELAY_MS: num(2, 0, 1000),
      SERVING_PREDICTION_LOG: bool(true),
      SERVING_PREDICTION_LOG_SAMPLE_RATE: num(1, 0, 1),
      SERVING_PREDICTION_LOG_MAX_BACKLOG: int(50_000, 1, 10_000_000),
      SERVING_PREDICTION_LOG_MAX_BACKLOG_BYTES: int(64 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
      SERVING_DEFAULT_STRATEGY: oneOf(['canary', 'shadow', 'basic'] as const, 'canary'),
      SERVING_ANALYSIS_INTERVAL_SECONDS: num(30, 0.1, 86_400),
      SERVING_SCHEDULER_TICK_MS: int(250, 10, 60_000),
      SERVING_ROUTING_REFRESH_MS: int(1000, 50, 60_000),
      SERVING_PRODUCTION_ALIAS_TTL_MS: int(10_000, 0, 3_600_000),
      SERVING_LABEL_MEMORY: int(100_000, 0, 10_000_000),
      SERVING_LABEL_JOIN_SECONDS: int(3600, 1, 7 * 86_400),
      SERVING_ORT_INTRA_OP_THREADS: int(1, 0, 256),
      SERVING_MODEL_IDLE_SECONDS: int(600, 10, 7 * 86_400),
      SERVING_MAX_MIRRORS_IN_FLIGHT: int(64, 0, 100_000),
      SERVING_MAX_MODEL_BYTES: int(1024 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
      SERVING_MODEL_LOAD_TIMEOUT_MS: int(120_000, 100, 3_600_000),
      SERVING_MODEL_LOAD_MAX_RSS_BYTES: int(4 * 1024 * 1024 * 1024, 0, 1024 * 1024 * 1024 * 1024),
    },
    env,
  );
  return {
    batching: { maxBatchSize: v.SERVING_MAX_BATCH_SIZE, maxQueueDelayMs: v.SERVING_MAX_QUEUE_DELAY_MS },
    predictionLog: { enabled: v.SERVING_PREDICTION_LOG, sampleRate: v.SERVING_PREDICTION_LOG_SAMPLE_RATE, maxBacklog: v.SERVING_PREDICTION_LOG_MAX_BACKLOG, maxBacklogBytes: v.SERVING_PREDICTION_LOG_MAX_BACKLOG_BYTES },
    defaultStrategy: v.SERVING_DEFAULT_STRATEGY,
    defaultIntervalSeconds: v.SERVING_ANALYSIS_INTERVAL_SECONDS,
    schedulerTickMs: v.SERVING_SCHEDULER_TICK_MS,
    routingRefreshMs: v.SERVING_ROUTING_REFRESH_MS,
    productionAliasTtlMs: v.SERVING_PRODUCTION_ALIAS_TTL_MS,
    /** Predictions and labels queued for the shared label join (beyond: dropped and counted). */
    labelMemory: v.SERVING_LABEL_MEMORY,
    /** How long a prediction made during a deployment waits for its label. */
    labelJoinSeconds: v.SERVING_LABEL_JOIN_SECONDS,
    /** onnxruntime threads per session (0 = one per core). One by default: requests run concurrently
     * and are batched, and idle pool threads spin on cores the server needs. */
    ortIntraOpThreads: v.SERVING_ORT_INTRA_OP_THREADS,
    modelIdleSeconds: v.SERVING_MODEL_IDLE_SECONDS,
    maxMirrorsInFlight: v.SERVING_MAX_MIRRORS_IN_FLIGHT,
    /** A model artifact larger than this is not downloaded: its load fails (and so its deployment). */
    maxModelBytes: v.SERVING_MAX_MODEL_BYTES,
    /** Creating the onnxruntime session and the warm-up run must finish within this. */
    modelLoadTimeoutMs: v.SERVING_MODEL_LOAD_TIMEOUT_MS,
    /** A model is first loaded and warmed up in a child process killed past this resident memory
     * (or the time limit); 0 turns the probe off. */
    modelLoadMaxRssBytes: v.SERVING_MODEL_LOAD_MAX_RSS_BYTES,
  };
}

export type ServingConfig = ReturnType<typeof loadServingConfig>;

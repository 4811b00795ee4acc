import { int, readEnv } from '@mlops/config';

export const MONITORING_CONFIG = Symbol('MONITORING_CONFIG');

/** Settings of the monitoring service beyond the platform's own (validated at start). */
export function loadMonitoringConfig(env: Record<string, string | undefined> = process.env) {
  const v = readEnv(
    {
      MONITORING_REFERENCE_MAX_ROWS: int(100_000, 100, 10_000_000),
      MONITORING_LABEL_JOIN_MAX_ENTRIES: int(100_000, 10, 10_000_000),
      MONITORING_PRODUCTION_CHECK_SECONDS: int(10, 1, 3600),
    },
    env,
  );
  return {
    /** Reference rows kept per model; a larger snapshot is thinned evenly to this many. */
    referenceMaxRows: v.MONITORING_REFERENCE_MAX_ROWS,
    /** Predictions waiting for their labels kept per model, and likewise labels waiting for their predictions; the oldest go first. */
    labelJoinMaxEntries: v.MONITORING_LABEL_JOIN_MAX_ENTRIES,
    /** How often each replica asks the registry which version is in production (only one replica
     * receives an alias change). */
    productionCheckSeconds: v.MONITORING_PRODUCTION_CHECK_SECONDS,
  };
}

export type MonitoringConfig = ReturnType<typeof loadMonitoringConfig>;

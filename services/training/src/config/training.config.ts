import { bool, int, readEnv } from '@mlops/config';

export const TRAINING_CONFIG = Symbol('TRAINING_CONFIG');

/** Settings of the training service beyond the platform's own (validated at start). */
export function loadTrainingConfig(env: Record<string, string | undefined> = process.env) {
  const v = readEnv(
    {
      TRAINING_WORKER_ENABLED: bool(true),
      TRAINING_JOB_POLL_MS: int(500, 50, 60_000),
      TRAINING_JOB_HEARTBEAT_MS: int(2000, 100, 60_000),
      TRAINING_JOB_STALE_SECONDS: int(60, 1, 86_400),
      // How often training specs' schedules are checked for a due firing (0 turns schedules off).
      TRAINING_SCHEDULE_TICK_MS: int(10_000, 0, 600_000),
    },
    env,
  );
  return { workerEnabled: v.TRAINING_WORKER_ENABLED, pollMs: v.TRAINING_JOB_POLL_MS, heartbeatMs: v.TRAINING_JOB_HEARTBEAT_MS, staleSeconds: v.TRAINING_JOB_STALE_SECONDS, scheduleTickMs: v.TRAINING_SCHEDULE_TICK_MS };
}

export type TrainingConfig = ReturnType<typeof loadTrainingConfig>;

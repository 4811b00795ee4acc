import * as path from 'node:path';
import { int, readEnv, str } from '@mlops/config';

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

/** Settings of the console beyond the platform's own (validated at start). */
export function loadConsoleConfig(env: Record<string, string | undefined> = process.env) {
  const v = readEnv(
    {
      // The built web app (services/console/dist/web, next to main.js).
      CONSOLE_WEB_DIR: str(path.join(__dirname, '..', 'web')),
      CONSOLE_MAX_STREAMS: int(200, 1, 100_000),
      CONSOLE_STREAM_BACKLOG_BYTES: int(1024 * 1024, 16 * 1024, 256 * 1024 * 1024),
      CONSOLE_UPSTREAM_TIMEOUT_MS: int(10_000, 100, 300_000),
    },
    env,
  );
  return {
    webDir: v.CONSOLE_WEB_DIR,
    /** Live-update streams open at once (beyond: 503). */
    maxStreams: v.CONSOLE_MAX_STREAMS,
    /** Bytes a stream may fall behind (a browser that stopped reading) before it is closed. */
    streamBacklogBytes: v.CONSOLE_STREAM_BACKLOG_BYTES,
    /** Deadline of each call the console makes to a service. */
    upstreamTimeoutMs: v.CONSOLE_UPSTREAM_TIMEOUT_MS,
  };
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;

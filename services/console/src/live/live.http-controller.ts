import { Controller, Get, Headers, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bearerToken } from '@mlops/auth';
import { PlatformSecurity } from '@mlops/nest-platform';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config/console.config';
import type { LiveEvent } from './live-events';
import { LiveFeed, type LiveListener } from './live-feed';

const HEARTBEAT_MS = 15_000;

/** One SSE frame: `id`, `event` and one `data` line of JSON (JSON never holds a raw newline). */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Live updates as Server-Sent Events (GET /api/events; the browser sends its token in the
 * Authorization header, never in the URL). Each stream ends when the caller's token expires
 * (event `session-expired`), or when the browser stops reading and falls more than
 * CONSOLE_STREAM_BACKLOG_BYTES behind (event `overflow`; it reconnects and resumes from its
 * Last-Event-ID). At most CONSOLE_MAX_STREAMS streams are open at once.
 */
@Controller('api/events')
export class LiveHttpController {
  constructor(
    private readonly feed: LiveFeed,
    private readonly security: PlatformSecurity,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  stream(@Req() req: Request, @Res() res: Response, @Headers('authorization') authorization?: string, @Headers('last-event-id') lastEventId?: string): void {
    if (this.feed.listenerCount >= this.config.maxStreams) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({ code: 'RESOURCE_EXHAUSTED', message: `this console already serves ${this.config.maxStreams} live streams (CONSOLE_MAX_STREAMS)` });
      return;
    }
    // The guard has verified the token; its expiry ends the stream.
    const expiresAtMs = this.security.verifier ? this.security.verifier.verify(bearerToken(authorization)).exp * 1000 : Number.POSITIVE_INFINITY;
    res.status(HttpStatus.OK).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(sseFrame('hello', { groupId: this.feed.groupId }));

    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const expiry = setTimeout(() => close('session-expired', { message: 'the token has expired: sign in again' }), Math.min(Math.max(0, expiresAtMs - Date.now()), 2 ** 31 - 1));
    let closed = false;
    let unsubscribe: () => unknown = () => undefined;
    const close = (event?: string, data?: unknown) => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(expiry);
      if (event) res.write(sseFrame(event, data));
      res.end();
    };
    const send: LiveListener = (event: LiveEvent) => {
      if (closed) return;
      if (res.writableLength > this.config.streamBacklogBytes) return close('overflow', { message: 'the browser fell behind; reconnecting resumes the stream' });
      res.write(sseFrame('platform', event, event.seq));
    };
    send.end = () => close('shutdown', { message: 'this console is stopping; reconnecting continues on another' });
    const after = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
    unsubscribe = this.feed.subscribe(send, after);
    req.on('close', () => close());
  }
}

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * What a browser may do with anything the console serves: scripts only from the console
 * itself (no inline script, no eval), so text a user put into the platform (a dataset name, a
 * tag, a rejected record) can never run as code even if it reached the page as markup.
 * Styles may be inline (the component library sets them).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths Nest answers (the API, probes, metrics); everything else is the web app's. */
const SERVER_PATHS = /^\/(api|health|metrics)(\/|$)/;

function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  // What the API says is the caller's, now: no shared or stored copies.
  if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}

/**
 * Serves the built web app (Vite's output) before Nest's routes: hashed assets cached for a
 * year, index.html for every other GET that is not the API's (the app routes by URL), never
 * cached, so a new build is picked up at the next load. No token is needed for these files:
 * they hold no data; every datum comes from the API, which checks the caller's token.
 */
export function serveWebApp(app: INestApplication, webDir: string): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  // API answers are never revalidated (no-store below); hashing each body for an ETag is wasted work.
  http.set('etag', false);
  http.use(securityHeaders);
  const index = path.join(webDir, 'index.html');
  http.use('/assets', express.static(path.join(webDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  http.use(express.static(webDir, { index: false, maxAge: 0 }));
  http.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (SERVER_PATHS.test(req.path)) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send(`The console's web app is not built (${webDir}): run 'npx nx run @mlops/console:build'.`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

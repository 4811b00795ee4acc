import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MlflowError, mlflowCodeOfHttp } from '../domain/mlflow-error';

/** A log-batch of 1,000 metrics with 100 tags of 8,000 characters is about 1 MB; twice that is plenty. */
export const MAX_JSON_BODY = '2mb';

const ARTIFACT_UPLOADS = '/api/2.0/mlflow-artifacts/';

/**
 * JSON bodies only, and never for artifact uploads: MLflow's client PUTs a file with its
 * guessed MIME type (a .json artifact arrives as application/json), and those bytes must reach
 * the upload stream untouched. Form bodies are not parsed at all; nothing here takes them.
 */
export function parseJsonBodies(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const isJson = (req: IncomingMessage) => !req.url?.startsWith(ARTIFACT_UPLOADS) && /^application\/json\b/i.test(req.headers['content-type'] ?? '');
  express.useBodyParser('json', { limit: MAX_JSON_BODY, type: isJson });
  express.useBodyParser('urlencoded', { type: () => false });
  // The parser runs before Nest's routes and their filters: its refusals get MLflow's shape here.
  express.use((error: { statusCode?: number; message?: string }, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    if (!req.url?.startsWith('/api/2.0/') || typeof error?.statusCode !== 'number') return next(error);
    const refusal = new MlflowError(mlflowCodeOfHttp(error.statusCode), `the request body was refused: ${error.message ?? 'unreadable'}`);
    res.writeHead(refusal.httpStatus, { 'content-type': 'application/json' }).end(JSON.stringify(refusal.toJSON()));
  });
}

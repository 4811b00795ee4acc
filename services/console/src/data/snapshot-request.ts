import { invalidArgument } from '@mlops/errors';

/**
 * The body of `POST /api/snapshots`: what the feature store's CreateSnapshot takes, less an
 * explicit spine (a spine of a million rows is a gRPC client's job, not a JSON body's). The
 * snapshot is built over the view's dataset in [fromTimeMs, toTimeMs), labelled with its label
 * column, and the same data gives the same snapshot back.
 */
export interface CreateSnapshotBody {
  featureView: string;
  version: number;
  datasetVersion: number;
  cutDatasetVersion: boolean;
  fromTimeMs: number;
  toTimeMs: number;
  requestedByRunId: string;
}

const FIELDS = new Set(['featureView', 'version', 'datasetVersion', 'cutDatasetVersion', 'fromTimeMs', 'toTimeMs', 'requestedByRunId']);

function whole(body: Record<string, unknown>, name: string, max: number): number {
  const value = body[name] ?? 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) throw invalidArgument(`${name} must be a whole number from 0 to ${max}`);
  return value;
}

function text(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name] ?? '';
  if (typeof value !== 'string' || value.length > max) throw invalidArgument(`${name} must be text of at most ${max} characters`);
  return value;
}

export function createSnapshotBody(body: unknown): CreateSnapshotBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidArgument('the body must be a JSON object with featureView and optional fromTimeMs, toTimeMs, cutDatasetVersion');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !FIELDS.has(k));
  if (unknown.length) throw invalidArgument(`unknown field ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; expected ${[...FIELDS].join(', ')}`);
  const featureView = text(fields, 'featureView', 200);
  if (!featureView) throw invalidArgument('featureView is required');
  const cut = fields.cutDatasetVersion ?? false;
  if (typeof cut !== 'boolean') throw invalidArgument('cutDatasetVersion must be true or false');
  const request: CreateSnapshotBody = {
    featureView,
    version: whole(fields, 'version', 2_147_483_647),
    datasetVersion: whole(fields, 'datasetVersion', 2_147_483_647),
    cutDatasetVersion: cut,
    fromTimeMs: whole(fields, 'fromTimeMs', Number.MAX_SAFE_INTEGER),
    toTimeMs: whole(fields, 'toTimeMs', Number.MAX_SAFE_INTEGER),
    requestedByRunId: text(fields, 'requestedByRunId', 64),
  };
  if (request.toTimeMs && request.fromTimeMs >= request.toTimeMs) throw invalidArgument(`fromTimeMs (${request.fromTimeMs}) must be before toTimeMs (${request.toTimeMs})`);
  if (request.cutDatasetVersion && request.datasetVersion) throw invalidArgument('give datasetVersion or cutDatasetVersion, not both');
  return request;
}

import type { platform, registry } from '@mlops/contracts';
import { SERVICE_NAMES, type ServiceName } from './addresses';
import type { CallOptions, PlatformClients, Wire } from './clients';

/**
 * The platform's audit trail in one list, newest first: every service's own audit log (each
 * change asked through its API and each refusal, PlatformService.ListAuditRecords) merged with
 * the registry's governance events (alias moves, approvals, canary verdicts, written in the
 * change's own transaction), shown as actions `registry:<what>`.
 *
 * Pages across the sources with one cursor: each source is read newest first by its own page
 * token (records before an id), the pages are merged by time, and the cursor remembers, per
 * source, where the records handed out so far end.
 */

export type AuditRecord = Wire<platform.AuditRecord>;

/** The registry's governance log, as a source of its own next to the six API logs. */
export const GOVERNANCE = 'governance' as const;
type Source = ServiceName | typeof GOVERNANCE;

export interface AuditQuery {
  /** Services whose logs to read (default: all six). */
  services?: readonly ServiceName[];
  /** Only this principal's records. */
  principal?: string;
  /** Only actions starting with this: a method path ("/mlops.registry.v1.RegistryService/SetAlias") or "registry:alias". */
  actionPrefix?: string;
  /** Without the registry's governance events. */
  apiOnly?: boolean;
  /** Records per page, 1–1000 (default 50). */
  pageSize?: number;
  /** The cursor of the previous page. */
  pageToken?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Empty when nothing older is left. */
  nextPageToken: string;
}

/** Where each source's next page starts: its own page token ('' = newest), or null when it has no more. */
type Cursor = Partial<Record<Source, string | null>>;

export class AuditCursorError extends Error {
  override readonly name = 'AuditCursorError';
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    for (const [source, position] of Object.entries(value)) {
      if (source !== GOVERNANCE && !(SERVICE_NAMES as readonly string[]).includes(source)) throw new Error(`unknown source ${source}`);
      if (position !== null && !(typeof position === 'string' && /^\d*$/.test(position))) throw new Error(`bad position for ${source}`);
    }
    return value as Cursor;
  } catch (error) {
    throw new AuditCursorError(`page_token is not one this console gave (${(error as Error).message})`);
  }
}

interface SourcePage {
  source: Source;
  records: AuditRecord[];
  nextPageToken: string;
}

/** One page of the merged audit trail. `options` carries the caller's credentials. */
export async function mergedAuditLog(clients: PlatformClients, query: AuditQuery, options: CallOptions = {}): Promise<AuditPage> {
  const pageSize = query.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new AuditCursorError(`page size must be 1-1000, got ${pageSize}`);
  const services = query.services?.length ? query.services : SERVICE_NAMES;
  const prefix = query.actionPrefix ?? '';
  const sources: Source[] = prefix.startsWith('registry:') ? [] : [...services];
  const governanceWanted = !query.apiOnly && services.includes('registry') && (!prefix || prefix.startsWith('registry:'));
  if (governanceWanted) sources.push(GOVERNANCE);
  const cursor: Cursor = query.pageToken ? decodeCursor(query.pageToken) : {};
  const live = sources.filter((s) => cursor[s] !== null);

  const pages = await Promise.all(
    live.map(async (source): Promise<SourcePage> => {
      const pageToken = cursor[source] ?? '';
      if (source === GOVERNANCE) return governancePage(clients, { pageSize, pageToken, principal: query.principal, actionPrefix: prefix }, options);
      const page = await clients
        .platform(source)
        .call<Wire<platform.ListAuditRecordsResponse>>('ListAuditRecords', { principal: query.principal ?? '', actionPrefix: prefix, pageSize, pageToken }, options);
      return { source, records: page.records, nextPageToken: page.nextPageToken };
    }),
  );

  const merged = pages
    .flatMap((p) => p.records.map((record) => ({ record, source: p.source })))
    .sort((a, b) => b.record.atMs - a.record.atMs || a.source.localeCompare(b.source) || b.record.id - a.record.id)
    .slice(0, pageSize);

  const next: Cursor = { ...cursor };
  for (const page of pages) {
    const taken = merged.filter((m) => m.source === page.source);
    // All handed out (or none matched): continue after the whole page; else after the last one handed out.
    if (taken.length === page.records.length) next[page.source] = page.nextPageToken || null;
    else if (taken.length > 0) next[page.source] = String(taken[taken.length - 1].record.id);
  }
  const more = sources.some((s) => next[s] !== null);
  return { records: merged.map((m) => m.record), nextPageToken: more ? encodeCursor(next) : '' };
}

/** The registry's governance events as audit records (action `registry:<what>`). */
async function governancePage(
  clients: PlatformClients,
  query: { pageSize: number; pageToken: string; principal?: string; actionPrefix: string },
  options: CallOptions,
): Promise<SourcePage> {
  const response = await clients.registry.call<Wire<registry.ListAuditEventsResponse>>(
    'ListAuditEvents',
    { modelName: '', limit: query.pageSize, pageToken: query.pageToken, actor: query.principal ?? '' },
    options,
  );
  const records = response.events
    .map((e): AuditRecord => ({
      id: e.id,
      atMs: e.atMs,
      service: 'registry',
      principal: e.actor,
      roles: [],
      action: `registry:${e.action}`,
      outcome: 'OK',
      requestId: e.correlationId,
      tokenId: '',
      peer: '',
      requestJson: JSON.stringify({ model: e.modelName, ...safeJson(e.details) }),
    }))
    .filter((r) => r.action.startsWith(query.actionPrefix));
  return { source: GOVERNANCE, records, nextPageToken: response.nextPageToken };
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { details: value };
  } catch {
    return { details: text };
  }
}

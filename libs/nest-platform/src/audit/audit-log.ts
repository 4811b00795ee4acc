import { DataSource, type EntityManager } from 'typeorm';
import { GroupCommit, schemaOf } from '@mlops/persistence';
import { invalidArgument } from '@mlops/errors';

export interface AuditEntry {
  principal: string;
  roles: readonly string[];
  action: string;
  outcome: string;
  requestId: string;
  tokenId: string;
  peer: string;
  /** The request as JSON, already cut (see requestSummary). */
  requestJson: string;
}

export interface AuditRecordRow extends AuditEntry {
  id: number;
  atMs: number;
}

export interface AuditQuery {
  principal?: string;
  actionPrefix?: string;
  sinceMs?: number;
  pageSize?: number;
  pageToken?: string;
}

const MAX_REQUEST_JSON = 2048;
/** Fields holding data rather than a description of the change (metric values too: a LogBatch
 * carries up to 1,000, and summarising them cost more than the rest of the audit record). */
const DATA_FIELDS = new Set(['records', 'rows', 'entities', 'spine', 'inputs', 'rawInputContents', 'metrics']);

/**
 * The service's audit log (table audit_records in its schema, append-only): who asked for what
 * change, when, from which request, and how it ended; refusals for lack of a role too.
 */
export class AuditLog {
  /** Concurrent calls' records share one INSERT (and one WAL flush); each caller still waits for its own. */
  private readonly writes = new GroupCommit<AuditEntry>((entries) => this.insert(entries), { what: 'audit records', maxPerCommit: 500, maxWaiting: 20_000 });

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once the record is committed. */
  record(entry: AuditEntry): Promise<void> {
    return this.writes.add(entry);
  }

  private async insert(entries: AuditEntry[]): Promise<void> {
    await insertAuditRecords(this.dataSource, schemaOf(this.dataSource), entries);
  }

  /** Newest first; the page token is the last id returned. */
  async list(query: AuditQuery): Promise<{ records: AuditRecordRow[]; nextPageToken: string }> {
    const pageSize = query.pageSize || 100;
    if (pageSize < 1 || pageSize > 1000) throw invalidArgument(`page_size must be 1-1000, got ${pageSize}`);
    const before = query.pageToken ? Number(query.pageToken) : undefined;
    if (before !== undefined && !(Number.isInteger(before) && before > 0)) throw invalidArgument(`page_token "${query.pageToken}" is not one this service gave`);
    const s = schemaOf(this.dataSource);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.principal) add('principal = ?', query.principal);
    if (query.actionPrefix) add(`starts_with(action, ?)`, query.actionPrefix);
    if (query.sinceMs) add('at >= to_timestamp(? / 1000.0)', query.sinceMs);
    if (before !== undefined) add('id < ?', before);
    params.push(pageSize + 1);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, (extract(epoch FROM at) * 1000)::float8 AS at_ms, principal, roles, action, outcome, request_id, token_id, peer, request_json
         FROM "${s}".audit_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, pageSize).map((r) => ({
      id: Number(r.id),
      atMs: Math.round(Number(r.at_ms)),
      principal: String(r.principal),
      roles: r.roles as string[],
      action: String(r.action),
      outcome: String(r.outcome),
      requestId: String(r.request_id),
      tokenId: String(r.token_id),
      peer: String(r.peer),
      requestJson: String(r.request_json),
    }));
    return { records: page, nextPageToken: rows.length > pageSize ? String(page[page.length - 1]!.id) : '' };
  }
}

/**
 * Inserts records in order with one statement, through `db` (the data source, or a transaction's
 * manager). With `onlyIfWritten`, only when the transaction has changed something already (it
 * has a transaction id): a read-only transaction of a call is not the call's change. Answers the
 * number of records inserted.
 */
export async function insertAuditRecords(db: Pick<EntityManager, 'query'>, schema: string, entries: readonly AuditEntry[], options: { onlyIfWritten?: boolean } = {}): Promise<number> {
  const column = <K extends keyof AuditEntry>(key: K) => entries.map((e) => e[key]);
  // Roles are text[] per row; unnest cannot take an array of arrays, so they travel as JSON.
  const rows: unknown[] = await db.query(
    `INSERT INTO "${schema}".audit_records (principal, roles, action, outcome, request_id, token_id, peer, request_json)
     SELECT p, ARRAY(SELECT jsonb_array_elements_text(r)), a, o, q, t, pe, j
     FROM unnest($1::text[], $2::jsonb[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS u(p, r, a, o, q, t, pe, j, n)
     ${options.onlyIfWritten ? 'WHERE txid_current_if_assigned() IS NOT NULL' : ''}
     ORDER BY n RETURNING 1`,
    [column('principal'), entries.map((e) => JSON.stringify(e.roles)), column('action'), column('outcome'), column('requestId'), column('tokenId'), column('peer'), column('requestJson')],
  );
  return rows.length;
}

/** A request as JSON for the audit log: bytes shown by their length, long strings and the whole cut. */
export function requestSummary(message: unknown): string {
  if (message === undefined) return '';
  let json: string;
  try {
    json = JSON.stringify(message, (_key, value: unknown) => {
      if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.length} bytes>`;
      if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) return `<${(value as { data: unknown[] }).data.length} bytes>`;
      if (typeof value === 'string' && value.length > 256) return `${value.slice(0, 256)}…`;
      // Data rows (ingested records, online lookups) are counted, not copied: the log outlives the data.
      if (Array.isArray(value) && DATA_FIELDS.has(_key)) return `<${value.length} items>`;
      return value;
    });
  } catch {
    return '"<not serialisable>"';
  }
  return json.length > MAX_REQUEST_JSON ? `${json.slice(0, MAX_REQUEST_JSON)}…` : json;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { type EntityManager, type EntitySubscriberInterface, EventSubscriber, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { schemaOf } from '@mlops/persistence';
import { type AuditEntry, insertAuditRecords } from './audit-log';

/** The outcome written with the change itself: the transaction committed. */
export const COMMITTED_OUTCOME = 'OK';

/**
 * The audit record of one state-changing call, written in the transaction that makes the change
 * so that the change, its outbox events and its audit record commit together (a crash between
 * them cannot lose the record). The auth interceptor opens one per mutating call; the
 * transaction that commits first in the call's async context takes it (see
 * AuditInTransactionSubscriber), or a batching writer hands it over explicitly
 * (`auditInTransaction`). A call that commits nothing (it failed, or changes no table) is
 * recorded by the interceptor after the handler, as before.
 */
export class CallAudit {
  private state: 'open' | 'writing' | 'committed' = 'open';

  constructor(private readonly entry: (outcome: string) => AuditEntry) {}

  /** True once a transaction holding the record committed. */
  get committed(): boolean {
    return this.state === 'committed';
  }

  /** The record, if nobody is writing it yet; the caller must then settle it (committed or released). */
  claim(): AuditEntry | undefined {
    if (this.state !== 'open') return undefined;
    this.state = 'writing';
    return this.entry(COMMITTED_OUTCOME);
  }

  settle(committed: boolean): void {
    this.state = committed ? 'committed' : 'open';
  }

  /** The record with another outcome (for the interceptor's write after the handler). */
  withOutcome(outcome: string): AuditEntry {
    return this.entry(outcome);
  }
}

const calls = new AsyncLocalStorage<CallAudit>();

/** Runs `fn` (the handler's part of a call) with `audit` as the call's pending record. */
export function runWithCallAudit<T>(audit: CallAudit | undefined, fn: () => T): T {
  return audit ? calls.run(audit, fn) : fn();
}

/**
 * Runs `fn` outside any call's context: for work shared by many calls (a group commit started by
 * whichever caller came first), whose transactions must not take that caller's record.
 */
export function outsideCallAudit<T>(fn: () => T): T {
  return calls.exit(fn);
}

/** The pending audit record of the call whose work is running now, if any. */
export function currentCallAudit(): CallAudit | undefined {
  return calls.getStore();
}

/** Audit records claimed by the transaction of each query runner, settled when it ends. */
const claimed = new WeakMap<QueryRunner, CallAudit[]>();

/**
 * Writes the records of these calls in the transaction of `manager` (a writer that commits many
 * calls' changes in one transaction, such as a group commit, hands their records over here).
 * Each counts as written once that transaction commits.
 */
export function auditInTransaction(manager: EntityManager, audits: ReadonlyArray<CallAudit | undefined>): Promise<void> {
  return write(manager, audits, false);
}

async function write(manager: EntityManager, audits: ReadonlyArray<CallAudit | undefined>, onlyIfWritten: boolean): Promise<void> {
  if (!audits.some((a) => a)) return;
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('auditInTransaction needs a transaction');
  const taken: CallAudit[] = [];
  const entries: AuditEntry[] = [];
  for (const audit of audits) {
    const entry = audit?.claim();
    if (entry) {
      taken.push(audit!);
      entries.push(entry);
    }
  }
  if (entries.length === 0) return;
  claimed.set(runner, [...(claimed.get(runner) ?? []), ...taken]);
  // Should this fail, the transaction fails with it; the records go back to their calls when it rolls back.
  const inserted = await insertAuditRecords(manager, schemaOf(manager.connection), entries, { onlyIfWritten });
  if (inserted === 0) {
    claimed.set(runner, claimed.get(runner)!.filter((a) => !taken.includes(a)));
    for (const audit of taken) audit.settle(false);
  }
}

/**
 * Registered on every service's DataSource: before the outermost transaction of a call's work
 * commits, the call's audit record is inserted into it if it changed anything (once per call);
 * after the commit it counts as written, after a rollback it is open again.
 */
@EventSubscriber()
export class AuditInTransactionSubscriber implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const audit = calls.getStore();
    if (!audit || depthOf(event.queryRunner) !== 1) return;
    await write(event.queryRunner.manager, [audit], true);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    settle(event.queryRunner, true);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    settle(event.queryRunner, false);
  }
}

function settle(runner: QueryRunner, committed: boolean): void {
  const audits = claimed.get(runner);
  if (!audits) return;
  claimed.delete(runner);
  for (const audit of audits) audit.settle(committed);
}

/** Nesting depth of the runner's transaction (1: the outermost; savepoints above that). */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth: number }).transactionDepth;
}

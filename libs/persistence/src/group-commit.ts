import { resourceExhausted } from '@mlops/errors';

export interface GroupCommitOptions<T> {
  /** What is written, for the refusal message ("metric values", "audit records"). */
  what: string;
  /** At most this much (in `size` units) goes into one commit; a single larger item goes alone. */
  maxPerCommit: number;
  /** Callers beyond this much waiting are refused (RESOURCE_EXHAUSTED) rather than queued without end. */
  maxWaiting: number;
  /** An item's size (default 1: items are counted). */
  size?: (item: T) => number;
}

/**
 * The items of one commit, in order; the commit answers with each item's refusal (an Error) or
 * undefined where it was written, or with nothing when all were.
 */
export type CommitGroup<T> = (items: T[]) => Promise<ReadonlyArray<Error | undefined> | void>;

interface Waiting<T> {
  item: T;
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive while a commit is under way wait for the next one and share
 * it, so a hundred concurrent callers cost a few transactions (and WAL flushes) instead of a
 * hundred. A lone caller commits at once: nothing ever waits on a timer. Each caller learns its
 * own outcome once its commit is durable: refused items are rejected on their own, and when a
 * shared commit fails, each of its items is committed again alone, so one bad item fails only
 * itself and nothing is half-written.
 */
export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private waiting = 0;
  private committing = false;
  private readonly size: (item: T) => number;

  constructor(
    private readonly commit: CommitGroup<T>,
    private readonly options: GroupCommitOptions<T>,
  ) {
    this.size = options.size ?? (() => 1);
  }

  /** Resolves once the item is committed; rejects with its refusal or the commit's error. */
  add(item: T): Promise<void> {
    const size = this.size(item);
    if (this.waiting + size > this.options.maxWaiting) {
      return Promise.reject(resourceExhausted(`${this.waiting} ${this.options.what} are waiting to be written; try again shortly`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, size, resolve, reject });
      this.waiting += size;
      if (!this.committing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.committing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          await this.commitAndSettle(group);
        } catch (error) {
          if (group.length === 1) group[0].reject(error);
          else for (const one of group) await this.commitAndSettle([one]).catch(one.reject);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /** The oldest callers, up to maxPerCommit (always at least one). */
  private take(): Waiting<T>[] {
    let size = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || size + this.queue[n].size <= this.options.maxPerCommit)) size += this.queue[n++].size;
    this.waiting -= size;
    return this.queue.splice(0, n);
  }

  private async commitAndSettle(group: Waiting<T>[]): Promise<void> {
    const refusals = (await this.commit(group.map((w) => w.item))) ?? [];
    group.forEach((w, i) => {
      const refusal = refusals[i];
      if (refusal) w.reject(refusal);
      else w.resolve();
    });
  }
}

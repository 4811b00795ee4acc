import type { EntityManager } from 'typeorm';
import type { MetricPoint } from './domain/run';
import { MAX_VALUES_PER_COMMIT, MetricAppender } from './metric-appender';
import type { LockedRun, TrackingRepository } from './tracking.repository';

const running: LockedRun = { status: 'running', endTimeMs: null, lifecycleStage: 'active', experimentId: '1', experimentStage: 'active' } as LockedRun;
const points = (n: number): MetricPoint[] => Array.from({ length: n }, (_, step) => ({ key: 'loss', value: step, step, timestampMs: 1 }));
const check = (runId: string, run: LockedRun | undefined) => (run ? undefined : new Error(`run ${runId} does not exist`));

/** A repository that records each transaction's appended batches; `failWhen` makes a transaction fail. */
function fakeRepository(known: string[], failWhen: (runIds: string[]) => boolean = () => false) {
  const commits: string[][] = [];
  const repository = {
    transaction: async <T>(work: (m: EntityManager) => Promise<T>) => work({} as EntityManager),
    lockRuns: async (_m: EntityManager, ids: string[]) => new Map(ids.filter((id) => known.includes(id)).map((id) => [id, running])),
    appendMetricsOfRuns: async (_m: EntityManager, batches: { runId: string }[]) => {
      const ids = batches.map((b) => b.runId);
      await new Promise((r) => setTimeout(r, 5));
      if (failWhen(ids)) throw new Error(`statement failed for ${ids.join(',')}`);
      commits.push(ids);
    },
  };
  return { repository: repository as unknown as TrackingRepository, commits };
}

describe('MetricAppender', () => {
  it('commits a lone caller at once and concurrent callers together', async () => {
    const { repository, commits } = fakeRepository(['a', 'b', 'c']);
    const appender = new MetricAppender(repository);
    await appender.append('a', points(2), check);
    await Promise.all(['a', 'b', 'c', 'a'].map((id) => appender.append(id, points(2), check)));
    // The four arrive together and share one commit.
    expect(commits).toEqual([['a'], ['a', 'b', 'c', 'a']]);
    const late = appender.append('b', points(1), check);
    await Promise.all([appender.append('c', points(1), check), late]);
    // Nothing waits on a timer: 'b' commits at once, 'c' (arriving meanwhile) takes the next commit.
    expect(commits.slice(2)).toEqual([['b'], ['c']]);
  });

  it('refuses only the caller whose run takes no data', async () => {
    const { repository, commits } = fakeRepository(['a', 'b']);
    const appender = new MetricAppender(repository);
    const outcomes = await Promise.allSettled(['a', 'a', 'gone', 'b'].map((id) => appender.append(id, points(1), check)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain('run gone does not exist');
    expect(commits.flat().sort()).toEqual(['a', 'a', 'b']);
  });

  it('retries each batch alone when the shared commit fails, so one bad batch fails only itself', async () => {
    const { repository, commits } = fakeRepository(['a', 'b', 'c'], (ids) => ids.includes('b'));
    const appender = new MetricAppender(repository);
    const outcomes = await Promise.allSettled(['a', 'a', 'b', 'c'].map((id) => appender.append(id, points(1), check)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([['a'], ['a'], ['c']]);
  });

  it('keeps a commit under its value limit and refuses callers beyond the waiting limit', async () => {
    const { repository, commits } = fakeRepository(['a']);
    const appender = new MetricAppender(repository);
    const half = MAX_VALUES_PER_COMMIT / 2;
    await Promise.all(Array.from({ length: 5 }, () => appender.append('a', points(half), check)));
    expect(commits.map((c) => c.length)).toEqual([1, 2, 2]);
    const flood = Array.from({ length: 25 }, () => appender.append('a', points(MAX_VALUES_PER_COMMIT / 2), check));
    const outcomes = await Promise.allSettled(flood);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))[0]).toMatch(/metric values are waiting to be written/);
  });
});

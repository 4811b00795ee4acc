import { jobsPageToken } from '../../jobs/domain/job-page';
import { parseExperimentOrderBy } from './experiment-filter';
import { experimentsPageToken, experimentsPosition, searchFingerprint, searchOffset, searchPageToken } from './pages';
import type { ViewType } from './run';
import { parseFilter, parseOrderBy } from './run-filter';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { kind: string; message: string };
  }
  throw new Error('not refused');
};

describe('experiment page tokens', () => {
  const newest = parseExperimentOrderBy([]);

  it('round-trip the position, and refuse tokens of other lists', () => {
    const after = { experimentId: '42', createdMicros: '1796418135288096', updatedMicros: '1796418135288097', name: 'churn model (v2)' };
    expect(experimentsPosition(experimentsPageToken(after, newest), newest)).toEqual(after);
    const job = jobsPageToken({ createdMicros: '1', jobId: '0b9f5c1e-3c1d-4f7a-9b1e-2a6d8c4e5f01' });
    expect(refusal(() => experimentsPosition(job, newest)).kind).toBe('INVALID_ARGUMENT');
    expect(refusal(() => searchOffset(job, 'x')).kind).toBe('INVALID_ARGUMENT');
  });

  it('work only with the order they came from', () => {
    const token = experimentsPageToken({ experimentId: '7', createdMicros: '1', updatedMicros: '2', name: 'a' }, newest);
    expect(experimentsPosition(token, parseExperimentOrderBy(['creation_time DESC'])).experimentId).toBe('7');
    const error = refusal(() => experimentsPosition(token, parseExperimentOrderBy(['name'])));
    expect([error.kind, error.message]).toEqual(['INVALID_ARGUMENT', 'page_token belongs to another order: give the order_by of the first page']);
  });
});

describe('search page tokens', () => {
  const fingerprint = (experiments: string[], filter: string, orderBy: string[], experimentIds: string[] = [], view: ViewType = 'active') =>
    searchFingerprint({ experiments, experimentIds, view }, parseFilter(filter), parseOrderBy(orderBy));

  it('name the search, not how it was spelled', () => {
    const a = fingerprint(['b', 'a'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC']);
    expect(fingerprint(['a', 'b', 'a'], `metrics.acc   >   0.9 AND params.C='1'`, ['metrics.acc desc'])).toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc ASC'])).not.toBe(a);
    expect(fingerprint(['a'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC'])).not.toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.8 and params.C = '1'`, ['metrics.acc DESC'])).not.toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC'], ['3'])).not.toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC'], [], 'all')).not.toBe(a);
  });

  it('carry the offset, and only for their own search', () => {
    const own = fingerprint([], '', []);
    expect(searchOffset(searchPageToken(200, own), own)).toBe(200);
    const error = refusal(() => searchOffset(searchPageToken(200, own), fingerprint([], `tags.x = 'y'`, [])));
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('belongs to another search');
  });
});

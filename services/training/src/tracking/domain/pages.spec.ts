import { jobsPageToken } from '../../jobs/domain/job-page';
import { experimentsPageToken, experimentsPosition, searchFingerprint, searchOffset, searchPageToken } from './pages';
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
  it('round-trip the position, and refuse tokens of other lists', () => {
    const after = { createdMicros: '1796418135288096', name: 'churn model (v2)' };
    expect(experimentsPosition(experimentsPageToken(after))).toEqual(after);
    const job = jobsPageToken({ createdMicros: '1', jobId: '0b9f5c1e-3c1d-4f7a-9b1e-2a6d8c4e5f01' });
    expect(refusal(() => experimentsPosition(job)).kind).toBe('INVALID_ARGUMENT');
    expect(refusal(() => searchOffset(job, 'x')).kind).toBe('INVALID_ARGUMENT');
  });
});

describe('search page tokens', () => {
  const fingerprint = (experiments: string[], filter: string, orderBy: string[]) => searchFingerprint(experiments, parseFilter(filter), parseOrderBy(orderBy));

  it('name the search, not how it was spelled', () => {
    const a = fingerprint(['b', 'a'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC']);
    expect(fingerprint(['a', 'b', 'a'], `metrics.acc   >   0.9 AND params.C='1'`, ['metrics.acc desc'])).toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc ASC'])).not.toBe(a);
    expect(fingerprint(['a'], `metrics.acc > 0.9 and params.C = '1'`, ['metrics.acc DESC'])).not.toBe(a);
    expect(fingerprint(['a', 'b'], `metrics.acc > 0.8 and params.C = '1'`, ['metrics.acc DESC'])).not.toBe(a);
  });

  it('carry the offset, and only for their own search', () => {
    const own = fingerprint([], '', []);
    expect(searchOffset(searchPageToken(200, own), own)).toBe(200);
    const error = refusal(() => searchOffset(searchPageToken(200, own), fingerprint([], `tags.x = 'y'`, [])));
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('belongs to another search');
  });
});

import { StreamSummary } from './stream-summary';

const accepted = (n: number) => Array.from({ length: n }, (_, i) => ({ recordId: `a${i}`, outcome: 'accepted' as const }));
const rejected = (n: number) => Array.from({ length: n }, () => ({ recordId: '', outcome: 'rejected' as const, rejection: { code: 'OUT_OF_RANGE', reason: 'too big' } }));

describe('StreamSummary (what StreamRecords answers, bounded)', () => {
  it('keeps every result, numbered across the stream, while they fit', () => {
    const summary = new StreamSummary(10);
    summary.add(accepted(3));
    summary.add(rejected(2));
    expect(summary.results.map((r) => [r.index, r.outcome])).toEqual([[0, 'accepted'], [1, 'accepted'], [2, 'accepted'], [3, 'rejected'], [4, 'rejected']]);
    expect(summary.omitted).toBe(0);
  });

  it('past the bound keeps the refused records only, at most the bound, and counts everything', () => {
    const summary = new StreamSummary(10);
    summary.add(accepted(8));
    summary.add(rejected(3)); // 11 records: the 8 accepted results give way
    summary.add(accepted(1000));
    summary.add(rejected(20));
    expect(summary.counts).toEqual({ accepted: 1008, duplicate: 0, rejected: 23 });
    expect(summary.results).toHaveLength(10);
    expect(summary.results.every((r) => r.outcome === 'rejected')).toBe(true);
    expect(summary.results.map((r) => r.index)).toEqual([8, 9, 10, 1011, 1012, 1013, 1014, 1015, 1016, 1017]);
    expect(summary.omitted).toBe(1031 - 10);
  });
});

import { aggregate, bucketize } from './transforms';

describe('bucketize', () => {
  it('matches numpy.digitize(x, bins) (answers computed with numpy 2.4)', () => {
    const bins = [0, 10, 20.5];
    const xs = [-5, 0, 5, 10, 20.4, 20.5, 100];
    // python3 -c "import numpy as np; print(np.digitize([-5,0,5,10,20.4,20.5,100], [0,10,20.5]))"
    expect(xs.map((x) => bucketize(x, bins))).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(bucketize(null, bins)).toBeNull();
  });
});

describe('aggregate over (from, to]', () => {
  const history = [
    { eventTimeMs: 10, fields: { v: 1 } },
    { eventTimeMs: 20, fields: { v: null } },
    { eventTimeMs: 30, fields: { v: 4 } },
    { eventTimeMs: 40, fields: { v: 7 } },
  ];

  it('computes each function over the non-null values in the window', () => {
    expect(aggregate(history, 10, 40, 'v', 'count')).toBe(3);
    expect(aggregate(history, 10, 40, 'v', 'sum')).toBe(11);
    expect(aggregate(history, 10, 40, 'v', 'mean')).toBe(5.5);
    expect(aggregate(history, 10, 40, 'v', 'min')).toBe(4);
    expect(aggregate(history, 10, 40, 'v', 'max')).toBe(7);
  });

  it('gives count 0, sum 0 and null otherwise for an empty window', () => {
    expect(aggregate(history, 40, 50, 'v', 'count')).toBe(0);
    expect(aggregate(history, 40, 50, 'v', 'sum')).toBe(0);
    expect(aggregate(history, 40, 50, 'v', 'mean')).toBeNull();
    expect(aggregate(history, 15, 25, 'v', 'max')).toBeNull();
  });
});

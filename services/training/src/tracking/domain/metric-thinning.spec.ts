import { HISTORY_LIMITS, evenIndices, historiesRequestProblem, pointBudgets } from './metric-thinning';

describe('evenIndices', () => {
  it('keeps first, last and evenly spaced points between (known answers)', () => {
    // numpy.round(numpy.linspace(0, 999, 50)): no exact halves occur, so half-up and half-even agree.
    const numpy = [
      0, 20, 41, 61, 82, 102, 122, 143, 163, 183, 204, 224, 245, 265, 285, 306, 326, 347, 367, 387, 408, 428, 449, 469, 489, 510, 530, 550, 571, 591, 612, 632, 652, 673, 693,
      714, 734, 754, 775, 795, 816, 836, 856, 877, 897, 917, 938, 958, 979, 999,
    ];
    expect(evenIndices(1000, 50)).toEqual(numpy);
    expect(evenIndices(10, 4)).toEqual([0, 3, 6, 9]);
    // 4.5 rounds up (numpy would round half to even, giving 4).
    expect(evenIndices(10, 3)).toEqual([0, 5, 9]);
    expect(evenIndices(201, 200)).toHaveLength(200);
  });

  it('keeps a series that fits whole, and handles the degenerate budgets', () => {
    expect(evenIndices(5, 200)).toEqual([0, 1, 2, 3, 4]);
    expect(evenIndices(3, 3)).toEqual([0, 1, 2]);
    expect(evenIndices(0, 200)).toEqual([]);
    expect(evenIndices(10, 1)).toEqual([9]);
    expect(evenIndices(10, 0)).toEqual([]);
  });

  it('never repeats a point and never leaves the series', () => {
    for (const [n, m] of [[1001, 1000], [1000, 999], [200_000, 200], [7, 6], [3, 2]]) {
      const kept = evenIndices(n, m);
      expect(kept).toHaveLength(m);
      expect(kept[0]).toBe(0);
      expect(kept[m - 1]).toBe(n - 1);
      expect(kept.every((v, i) => i === 0 || v > kept[i - 1])).toBe(true);
    }
  });
});

describe('pointBudgets', () => {
  it('gives each series up to the per-run limit while the total allows it', () => {
    expect(pointBudgets([10, 5000, 300], 200, 200_000)).toEqual([10, 200, 200]);
    expect(pointBudgets([], 200, 200_000)).toEqual([]);
  });

  it('cuts the long series alike to stay within the total, short ones keeping everything', () => {
    expect(pointBudgets([1000, 1000, 10, 1000], 1000, 2000)).toEqual([663, 663, 10, 663]);
    expect(pointBudgets(Array(1000).fill(5000), 1000, HISTORY_LIMITS.maxTotalPoints)).toEqual(Array(1000).fill(200));
    // What 999 short series leave unused goes to the long one.
    expect(pointBudgets([...Array(999).fill(10), 100_000], 1000, HISTORY_LIMITS.maxTotalPoints).at(-1)).toBe(1000);
  });
});

describe('historiesRequestProblem', () => {
  const id = '0b9f5c1e-3c1d-4f7a-9b1e-2a6d8c4e5f01';
  it('accepts a well-formed request', () => {
    expect(historiesRequestProblem([id, id.toUpperCase()], 'loss', 0)).toBeUndefined();
    expect(historiesRequestProblem([], 'loss', 1000)).toBeUndefined();
  });

  it.each([
    [Array(1001).fill(id), 'loss', 0, 'run_ids has 1001 ids; at most 1000'],
    [[id], '', 0, 'key (the metric name) is required'],
    [[id], 'loss', 1001, 'max_points_per_run must be 0 (for 200) to 1000, got 1001'],
    [[id], 'loss', -1, 'max_points_per_run must be 0 (for 200) to 1000, got -1'],
    [[id, 'run-7'], 'loss', 0, 'run id "run-7" is not a uuid'],
  ])('refuses %#', (runIds, key, maxPoints, message) => {
    expect(historiesRequestProblem(runIds, key, maxPoints)).toBe(message);
  });
});

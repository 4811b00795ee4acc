import { columnStats, fromRows, getColumn, getRow, selectRows, selectValues, standardize, toRows } from './matrix';

describe('matrix helpers', () => {
  const m = fromRows([[1, 10, 5], [2, 20, 5], [3, 60, 5]]);

  it('builds row-major matrices and reads rows and columns', () => {
    expect(m).toMatchObject({ rows: 3, cols: 3 });
    expect(Array.from(getRow(m, 1))).toEqual([2, 20, 5]);
    expect(Array.from(getColumn(m, 1))).toEqual([10, 20, 60]);
    expect(toRows(selectRows(m, [2, 0]))).toEqual([[3, 60, 5], [1, 10, 5]]);
    expect(selectValues([7, 8, 9], [2, 2, 0])).toEqual([9, 9, 7]);
  });

  it('rejects ragged rows and out-of-range indices', () => {
    expect(() => fromRows([[1, 2], [3]])).toThrow(RangeError);
    expect(() => getRow(m, 3)).toThrow(RangeError);
    expect(() => getColumn(m, -1)).toThrow(RangeError);
    expect(() => selectValues([1], [1])).toThrow(RangeError);
  });

  it('computes population statistics, with scale 1 for a constant column', () => {
    const stats = columnStats(m);
    expect(Array.from(stats.mean)).toEqual([2, 30, 5]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(stats.std[2]).toBe(0);
    expect(stats.scale[2]).toBe(1);
    const z = standardize(m, stats);
    expect(Array.from(getColumn(z, 2))).toEqual([0, 0, 0]);
    expect(columnStats(z).std[1]).toBeCloseTo(1, 14);
  });

  it('treats a constant column whose mean rounds as constant', () => {
    const stats = columnStats(fromRows([[0.1], [0.1], [0.1]]));
    expect(stats.std[0]).toBe(0);
    expect(stats.scale[0]).toBe(1);
  });
});

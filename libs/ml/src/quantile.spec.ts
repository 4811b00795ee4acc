import { quantileLinear, quantilesLinear } from './quantile';

describe('quantileLinear', () => {
  const sorted = [1, 2, 4, 8];

  it('interpolates at (n - 1) * q like numpy', () => {
    expect(quantileLinear(sorted, 0)).toBe(1);
    expect(quantileLinear(sorted, 0.5)).toBe(3);
    expect(quantileLinear(sorted, 0.75)).toBe(5);
    expect(quantileLinear(sorted, 1)).toBe(8);
    expect(quantileLinear(new Float64Array(sorted), 0.25)).toBe(1.75);
  });

  it('returns the value itself for a single-value sample', () => {
    expect(quantilesLinear([7], [0, 0.3, 1])).toEqual([7, 7, 7]);
  });

  it('stays within the neighbours when they are equal', () => {
    expect(quantileLinear([0.1, 0.1, 0.1], 0.37)).toBe(0.1);
  });

  it('rejects an empty sample and q outside [0, 1]', () => {
    expect(() => quantileLinear([], 0.5)).toThrow(RangeError);
    expect(() => quantileLinear(sorted, -0.01)).toThrow(RangeError);
    expect(() => quantileLinear(sorted, 1.01)).toThrow(RangeError);
    expect(() => quantileLinear(sorted, NaN)).toThrow(RangeError);
  });
});

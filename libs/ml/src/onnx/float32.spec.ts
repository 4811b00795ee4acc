import { float32AtMost } from './float32';

const FLT_MAX = 3.4028234663852886e38;
const MIN_SUBNORMAL = 2 ** -149;

describe('float32AtMost', () => {
  it.each([0, 0.5, -0.5, 1.5, 2 ** -130, -FLT_MAX, FLT_MAX, Infinity, -Infinity])('keeps the float32 %p', (t) => {
    expect(float32AtMost(t)).toBe(t);
  });

  it.each([
    ['0.1 (nearest float32 is above)', 0.1, Math.fround(0.1) - 2 ** -27],
    ['-0.1 (nearest float32 is above)', -0.1, -Math.fround(0.1)],
    ['0.7 (nearest float32 is below)', 0.7, Math.fround(0.7)],
    ['a tiny negative number', -1e-50, -MIN_SUBNORMAL],
    ['a tiny positive number', 1e-50, 0],
    ['a number above the float32 range', 1e39, FLT_MAX],
    ['a number below the float32 range', -1e39, -Infinity],
  ])('rounds %s down', (_, t, expected) => {
    expect(float32AtMost(t)).toBe(expected);
  });

  it('is the largest float32 <= t, so x <= t and x <= float32AtMost(t) agree for float32 x', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 10_000; i++) {
      const t = (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
      const down = float32AtMost(t);
      expect(Math.fround(down)).toBe(down);
      expect(down <= t).toBe(true);
      // The next float32 up is above t, so no float32 lies in (down, t].
      const up = new Float32Array([down]);
      const bits = new Int32Array(up.buffer);
      bits[0] += down >= 0 ? 1 : -1;
      if (down === 0 && Object.is(down, -0)) bits[0] = 1;
      expect(up[0] > t).toBe(true);
    }
  });

  it('rejects NaN', () => {
    expect(() => float32AtMost(NaN)).toThrow(RangeError);
  });
});

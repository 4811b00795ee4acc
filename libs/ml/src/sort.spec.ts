import { sortedFloat64 } from './sort';

/** Element by element, with -0 and +0 told apart. */
function expectSameOrder(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`index ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

describe('sortedFloat64', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it('orders a large array exactly as Float64Array.prototype.sort, with ties, signs, zeros, infinities and NaN', () => {
    const special = [0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-310, -1e-310];
    const values = new Float64Array(100_000);
    for (let i = 0; i < values.length; i++) {
      const r = random();
      values[i] = r < 0.05 ? special[Math.floor(random() * special.length)] : r < 0.3 ? Math.round((random() - 0.5) * 20) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    }
    const input = values.slice();
    expectSameOrder(sortedFloat64(values), values.slice().sort());
    expectSameOrder(values, input); // the input is left as it was
  });

  it('sorts arrays whose keys share digits (the passes that would move nothing are skipped)', () => {
    const constant = new Float64Array(50_000).fill(3.5);
    expectSameOrder(sortedFloat64(constant), constant);
    const integers = Float64Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 1000);
    expectSameOrder(sortedFloat64(integers), integers.slice().sort());
  });

  it('sorts short arrays and plain number arrays too', () => {
    expectSameOrder(sortedFloat64([3, -1, NaN, 2, -0, 0]), Float64Array.from([-1, -0, 0, 2, 3, NaN]));
    expect(sortedFloat64([])).toHaveLength(0);
  });
});

// Seeded pseudo-random numbers for everything in libs/ml that must be reproducible from a seed
// (splits, shuffles, subsampling): the same seed gives the same numbers on every platform and
// Node version, which Math.random cannot promise.

/** A source of uniform doubles in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): one 32-bit word of state, period
 * 2^32, passes gjrand/PractRand to modest sizes. Plenty for shuffling datasets; not for
 * cryptography, and not for drawing more than ~2^32 numbers from one seed.
 * The seed is taken modulo 2^32 (`seed >>> 0`), so seeds equal mod 2^32 give the same stream.
 * Each double carries 32 random bits.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). n must be a positive integer ≤ 2^32. */
export function randomInt(rng: Rng, n: number): number {
  // Multiplying keeps the bias below n / 2^32, negligible for dataset-sized n.
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle in place; every permutation equally likely (up to randomInt's bias). */
export function shuffleInPlace<T>(items: { [index: number]: T; readonly length: number }, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}

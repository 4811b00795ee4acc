// A small seeded generator: the trainer's only randomness is the binning subsample, and a seed
// must reproduce the same model on every platform, which Math.random cannot promise.

import { mulberry32 } from '../data/random';

/** Uniform floats in [0, 1) from a seed (the library's one PRNG, mulberry32). */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

/** `k` distinct indices of [0, n), ascending (a partial Fisher-Yates shuffle). */
export function sampleIndices(n: number, k: number, random: () => number): Uint32Array {
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    const swap = pool[i];
    pool[i] = pool[j];
    pool[j] = swap;
  }
  return pool.slice(0, k).sort();
}

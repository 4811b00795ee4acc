/**
 * The demo's world: rides with three measurements and a label. Before the shift x1, x2, x3 are
 * standard normal and a ride is late (y = 1) when x1 + x2 > 0. After it, x1 and x3 move up
 * (covariate shift: two of three features drift) and lateness needs x1 + x2 > 2 (concept shift:
 * the first model is now wrong on about half the traffic, so retraining has something to fix).
 */
export type Phase = 'before' | 'after';

export interface Ride {
  x1: number;
  x2: number;
  x3: number;
  y: number;
}

export const FEATURES = ['x1', 'x2', 'x3'] as const;

/** A seeded normal generator (Park–Miller + Box–Muller): the same demo every time. */
export function normalSource(seed = 7): () => number {
  let state = seed;
  const uniform = () => (state = (state * 48271) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function ride(phase: Phase, normal: () => number): Ride {
  const shifted = phase === 'after';
  const x1 = normal() + (shifted ? 1.5 : 0);
  const x2 = normal();
  const x3 = normal() + (shifted ? 1 : 0);
  return { x1, x2, x3, y: x1 + x2 > (shifted ? 2 : 0) ? 1 : 0 };
}

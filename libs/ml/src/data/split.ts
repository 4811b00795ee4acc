// Reproducible train / validation / test splits: the same (n, fractions, seed, labels) give the
// same row indices everywhere, so a run can be repeated and its test set audited later.

import { mulberry32, shuffleInPlace } from './random';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

export interface SplitOptions {
  /**
   * Class labels of the n rows: every part then gets each class in (nearly) its overall
   * proportion, to within 2 rows per class and part.
   */
  stratified?: ArrayLike<number>;
}

const PARTS = ['train', 'validation', 'test'] as const;

/**
 * Row indices 0..n-1, shuffled by mulberry32(seed) (Fisher–Yates) and cut into contiguous
 * train / validation / test blocks. Part sizes are within 1 of n × fraction (see `dealParts`).
 * With `stratified`, rows are shuffled within each class, laid out class by class (classes in
 * ascending order), dealt to the parts by the same rule, and each part is shuffled again so
 * classes are interleaved; part sizes equal the unstratified ones.
 */
export function seededSplit(n: number, fractions: SplitFractions, seed: number, options: SplitOptions = {}): Split {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`seededSplit: n must be a non-negative integer, got ${n}`);
  const shares = checkFractions(fractions);
  const rng = mulberry32(seed);
  const labels = options.stratified;
  if (labels === undefined) {
    const order = Array.from({ length: n }, (_, i) => i);
    shuffleInPlace(order, rng);
    const [nTrain, nValidation] = partSizes(dealParts(n, shares));
    return {
      train: order.slice(0, nTrain),
      validation: order.slice(nTrain, nTrain + nValidation),
      test: order.slice(nTrain + nValidation),
    };
  }
  if (labels.length !== n) throw new RangeError(`seededSplit: ${labels.length} labels for ${n} rows`);
  const order = groupByClass(labels).flatMap((members) => {
    shuffleInPlace(members, rng);
    return members;
  });
  const split: Split = { train: [], validation: [], test: [] };
  dealParts(n, shares).forEach((part, position) => split[PARTS[part]].push(order[position]));
  for (const part of PARTS) shuffleInPlace(split[part], rng);
  return split;
}

function checkFractions(fractions: SplitFractions): number[] {
  const shares = PARTS.map((part) => fractions[part]);
  if (shares.some((f) => !(Number.isFinite(f) && f >= 0))) {
    throw new RangeError(`seededSplit: fractions must be finite and non-negative, got ${JSON.stringify(fractions)}`);
  }
  const total = shares[0] + shares[1] + shares[2];
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`seededSplit: fractions must sum to 1, got ${total}`);
  return shares.map((f) => f / total);
}

/**
 * Which part each of n consecutive positions goes to: each position goes to the part furthest
 * behind its quota (position count × fraction), ties to the earlier part. Every prefix, and so
 * every contiguous run of positions (one class, when stratifying), gets each part to within 2
 * of its share; the whole gets it to within 1. Unlike rounding each class separately, the
 * leftovers of small classes do not all pile onto one part.
 */
export function dealParts(n: number, shares: readonly number[]): Uint8Array {
  const parts = new Uint8Array(n);
  const dealt = shares.map(() => 0);
  for (let position = 0; position < n; position++) {
    let best = 0;
    let bestDeficit = -Infinity;
    shares.forEach((share, part) => {
      const deficit = (position + 1) * share - dealt[part];
      if (deficit > bestDeficit) [best, bestDeficit] = [part, deficit];
    });
    parts[position] = best;
    dealt[best]++;
  }
  return parts;
}

function partSizes(parts: Uint8Array): number[] {
  const sizes = PARTS.map(() => 0);
  for (const part of parts) sizes[part]++;
  return sizes;
}

/** Row indices per distinct label, labels ascending, rows ascending within each. */
function groupByClass(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isFinite(label)) throw new RangeError(`seededSplit: label ${label} at row ${i} is not a finite number`);
    const members = groups.get(label);
    if (members) members.push(i);
    else groups.set(label, [i]);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((label) => groups.get(label) as number[]);
}

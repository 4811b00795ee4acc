// Best split of one node from its histogram. The gain is the second-order loss reduction of
// XGBoost / LightGBM / sklearn (without their constant factor 1/2, which does not change the order):
//   gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ).

import { STRIDE, type HistogramLayout } from './histogram';

export interface SplitParams {
  minSamplesLeaf: number;
  l2Regularization: number;
  /** Children whose hessian sum is below this are rejected: their leaf values would explode. */
  minHessianToSplit: number;
  /** Hessians are all 1 (squared error): the histogram's counts stand in for its hessian sums. */
  constantHessian: boolean;
}

/** Sums over a node's rows. */
export interface NodeSums {
  gradient: number;
  hessian: number;
  count: number;
}

export interface Split {
  gain: number;
  feature: number;
  /** Rows with bin <= bin go left (missing values excepted). */
  bin: number;
  missingGoesLeft: boolean;
  left: NodeSums;
  right: NodeSums;
}

/** G²/(H+λ): the (negated, doubled) optimal loss of a leaf, the building block of the gain. */
export function leafScore(gradient: number, hessian: number, l2: number): number {
  const denominator = hessian + l2;
  return denominator > 0 ? (gradient * gradient) / denominator : 0;
}

/** The gain of splitting `parent` into `left` and the rest. */
export function splitGain(parent: NodeSums, left: NodeSums, l2: number): number {
  return (
    leafScore(left.gradient, left.hessian, l2) +
    leafScore(parent.gradient - left.gradient, parent.hessian - left.hessian, l2) -
    leafScore(parent.gradient, parent.hessian, l2)
  );
}

/**
 * The split with the largest positive gain over all features and thresholds, or null. Missing
 * values are tried on both sides; a node without missing values for the chosen feature sends
 * future ones to the larger child (as sklearn does), since it learned nothing about them.
 */
export function findBestSplit(
  hist: Float64Array,
  layout: HistogramLayout,
  sums: NodeSums,
  params: SplitParams,
): Split | null {
  const best: Split = {
    gain: 0,
    feature: -1,
    bin: -1,
    missingGoesLeft: false,
    left: { gradient: 0, hessian: 0, count: 0 },
    right: { gradient: 0, hessian: 0, count: 0 },
  };
  const scan = new FeatureScan(hist, sums, params, best);
  for (let f = 0; f < layout.nonMissingBins.length; f++) {
    scan.feature(f, f * layout.featureSlots, layout.nonMissingBins[f]);
  }
  if (best.feature < 0) return null;
  best.right = {
    gradient: sums.gradient - best.left.gradient,
    hessian: sums.hessian - best.left.hessian,
    count: sums.count - best.left.count,
  };
  return best;
}

/** Scans the thresholds of one feature at a time, updating `best` in place (no per-bin objects). */
class FeatureScan {
  private readonly parentScore: number;
  private readonly hessianEntry: number;
  private nodeHasMissing = false;

  constructor(
    private readonly hist: Float64Array,
    private readonly sums: NodeSums,
    private readonly params: SplitParams,
    private readonly best: Split,
  ) {
    this.parentScore = leafScore(sums.gradient, sums.hessian, params.l2Regularization);
    this.hessianEntry = params.constantHessian ? 2 : 1;
  }

  /** Feature f's bins start at histogram bin firstBin; its missing bin follows the last one. */
  feature(f: number, firstBin: number, nonMissingBins: number): void {
    const { hist, hessianEntry } = this;
    const missing = (firstBin + nonMissingBins) * STRIDE;
    const gm = hist[missing];
    const hm = hist[missing + hessianEntry];
    const cm = hist[missing + 2];
    this.nodeHasMissing = cm > 0;
    const lastBin = nonMissingBins - 1;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b <= lastBin; b++) {
      const at = (firstBin + b) * STRIDE;
      gl += hist[at];
      hl += hist[at + hessianEntry];
      cl += hist[at + 2];
      // Missing right; at the last bin this is the "split on missing" (all values vs. NaN).
      if (b < lastBin || cm > 0) this.consider(f, b, false, gl, hl, cl);
      if (b < lastBin && cm > 0) this.consider(f, b, true, gl + gm, hl + hm, cl + cm);
    }
  }

  private consider(f: number, bin: number, missingLeft: boolean, gl: number, hl: number, cl: number): void {
    const { sums, params, best } = this;
    const gr = sums.gradient - gl;
    const hr = sums.hessian - hl;
    const cr = sums.count - cl;
    if (cl < params.minSamplesLeaf || cr < params.minSamplesLeaf) return;
    if (hl < params.minHessianToSplit || hr < params.minHessianToSplit) return;
    const l2 = params.l2Regularization;
    const gain = leafScore(gl, hl, l2) + leafScore(gr, hr, l2) - this.parentScore;
    if (!(gain > best.gain)) return;
    best.gain = gain;
    best.feature = f;
    best.bin = bin;
    best.missingGoesLeft = this.nodeHasMissing ? missingLeft : cl > cr;
    best.left = { gradient: gl, hessian: hl, count: cl };
  }
}

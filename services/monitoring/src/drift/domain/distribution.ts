import { type DriftTestName, type Sample, categoryCounts, histogramEqualWidth, sampleSize } from '@mlops/ml';

/**
 * The reference and the current window of one feature, counted in the bins or categories its
 * drift test judged, for charts. Shares sum to 1 on each side with data (all 0 on a side without).
 */
export interface FeatureDistribution {
  /** Numeric bins: their edges, one more than the shares; empty for categories. */
  binEdges: number[];
  /** Categories, in the test's order (reference's first-seen, then the current's); empty for bins. */
  categories: string[];
  referenceShares: number[];
  currentShares: number[];
}

/** Bins of a numeric feature: the 30 of Evidently's binned tests (jensenshannon, psi). */
export const DISTRIBUTION_BINS = 30;
/** Categories kept apart; the least frequent of a longer list are summed into one last entry. */
export const MAX_CATEGORIES = 50;

/** Tests that count categories even on a numeric column (one with few distinct values). */
const CATEGORY_TESTS: readonly DriftTestName[] = ['chisquare', 'z'];

/**
 * The distributions `test` compared: categories for categorical columns and for the chi-squared
 * and Z tests (which count a numeric column's distinct values), otherwise 30 equal-width bins
 * spanning both samples (numpy.histogram(np.concatenate([ref, cur]))'s edges, as Evidently bins
 * for jensenshannon and psi). The bins span both samples, so no value falls outside them; ks and
 * wasserstein judge the raw values and are drawn in the same bins.
 */
export function featureDistribution(test: DriftTestName, reference: Sample, current: Sample): FeatureDistribution {
  if (reference.kind === 'numeric' && current.kind === 'numeric' && !CATEGORY_TESTS.includes(test)) return binned(reference.sorted, current.sorted);
  return categorized(reference, current);
}

function binned(reference: Float64Array, current: Float64Array): FeatureDistribution {
  const sides = [reference, current].filter((s) => s.length > 0);
  if (sides.length === 0) return { binEdges: [], categories: [], referenceShares: [], currentShares: [] };
  const min = Math.min(...sides.map((s) => s[0]));
  const max = Math.max(...sides.map((s) => s[s.length - 1]));
  const edges = histogramEqualWidth(sides[0], min, max, DISTRIBUTION_BINS).edges;
  const shares = (s: Float64Array) => (s.length === 0 ? edges.slice(1).map(() => 0) : histogramEqualWidth(s, min, max, DISTRIBUTION_BINS).counts.map((n) => n / s.length));
  return { binEdges: edges, categories: [], referenceShares: shares(reference), currentShares: shares(current) };
}

function categorized(reference: Sample, current: Sample): FeatureDistribution {
  const counts = categoryCounts(reference, current);
  const share = (n: number, of: Sample) => (sampleSize(of) === 0 ? 0 : n / sampleSize(of));
  const entries = counts.keys.map((category, i) => ({ category, reference: share(counts.reference[i], reference), current: share(counts.current[i], current) }));
  const kept = entries.length <= MAX_CATEGORIES ? entries : keepMostFrequent(entries);
  return { binEdges: [], categories: kept.map((e) => e.category), referenceShares: kept.map((e) => e.reference), currentShares: kept.map((e) => e.current) };
}

type CategoryShares = { category: string; reference: number; current: number };

/** The MAX_CATEGORIES − 1 categories with the largest reference + current share (ties: first
 * seen), in their order, then "(N others)" holding the rest on each side. */
function keepMostFrequent(entries: CategoryShares[]): CategoryShares[] {
  const ranked = entries.map((e, i) => ({ i, weight: e.reference + e.current })).sort((a, b) => b.weight - a.weight || a.i - b.i);
  const keep = new Set(ranked.slice(0, MAX_CATEGORIES - 1).map((r) => r.i));
  const rest = entries.filter((_, i) => !keep.has(i));
  const other = { category: `(${rest.length} others)`, reference: sum(rest.map((e) => e.reference)), current: sum(rest.map((e) => e.current)) };
  return [...entries.filter((_, i) => keep.has(i)), other];
}

function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

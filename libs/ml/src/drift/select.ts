// Which test judges a column's drift, with Evidently's defaults: a small reference (≤ 1000 rows)
// gets a hypothesis test (drift when p ≤ 0.05): Kolmogorov–Smirnov for numeric columns with more
// than 5 distinct values, chi-squared for categories (or numeric columns with 3–5 values), the
// two-proportion Z test for binary ones; a larger reference gets a distance (drift when ≥ 0.1):
// Wasserstein normalized by the reference's std for numeric columns with more than 5 distinct
// values, Jensen–Shannon otherwise. PSI (≥ 0.1) is available on request.
import { type Sample, chiSquareTest, distinctValues, jensenShannonDistance, ksTest, normalizedWasserstein, populationStabilityIndex, sampleSize, twoProportionZTest } from './tests';

export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

export interface FeatureDrift {
  feature: string;
  test: DriftTestName;
  /** The p-value for hypothesis tests, the distance for the others. */
  statistic: number;
  threshold: number;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
}

const P_VALUE_TESTS: readonly DriftTestName[] = ['ks', 'chisquare', 'z'];
export const DEFAULT_THRESHOLDS: Record<DriftTestName, number> = { ks: 0.05, chisquare: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1 };

export function defaultDriftTest(reference: Sample, current: Sample): DriftTestName {
  const distinct = distinctValues(reference, current, 6);
  const numeric = reference.kind === 'numeric';
  if (sampleSize(reference) <= 1000) {
    if (numeric && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return numeric && distinct > 5 ? 'wasserstein' : 'jensenshannon';
}

export function runDriftTest(test: DriftTestName, reference: Sample, current: Sample): number {
  switch (test) {
    case 'ks':
      return ksTest(reference, current).pValue;
    case 'chisquare':
      return chiSquareTest(reference, current).pValue;
    case 'z':
      return twoProportionZTest(reference, current).pValue;
    case 'wasserstein':
      return normalizedWasserstein(reference, current);
    case 'jensenshannon':
      return jensenShannonDistance(reference, current);
    case 'psi':
      return populationStabilityIndex(reference, current);
  }
}

/** A hypothesis test drifts at p ≤ threshold, a distance at distance ≥ threshold. */
export function isDrift(test: DriftTestName, statistic: number, threshold: number): boolean {
  return P_VALUE_TESTS.includes(test) ? statistic <= threshold : statistic >= threshold;
}

export function featureDrift(feature: string, reference: Sample, current: Sample, options: { test?: DriftTestName; threshold?: number } = {}): FeatureDrift {
  const test = options.test ?? defaultDriftTest(reference, current);
  const threshold = options.threshold ?? DEFAULT_THRESHOLDS[test];
  const statistic = runDriftTest(test, reference, current);
  return { feature, test, statistic, threshold, drifted: isDrift(test, statistic, threshold), referenceSize: sampleSize(reference), currentSize: sampleSize(current) };
}

/** Dataset drift: at least `share` (default half) of the features drifted. */
export function datasetDrift(features: FeatureDrift[], share = 0.5): { drifted: boolean; driftedShare: number } {
  const driftedShare = features.length === 0 ? 0 : features.filter((f) => f.drifted).length / features.length;
  return { drifted: features.length > 0 && driftedShare >= share, driftedShare };
}

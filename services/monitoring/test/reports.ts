// Checks on what GetDriftReport, ListDriftReports and ListAlerts answer, shared by the drift tests.

/** A FeatureDriftResult as the test client decodes it (defaults filled in). */
export interface FeatureResult {
  feature: string;
  test: string;
  drifted: boolean;
  binEdges: number[];
  categories: string[];
  referenceShares: number[];
  currentShares: number[];
}

export interface DriftReportMessage {
  computedAtMs: number;
  windowToMs: number;
  datasetDrift: boolean;
  alertId: string;
  features: FeatureResult[];
  prediction?: FeatureResult;
}

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

/** The distributions a latest report carries: bins (numeric) or categories, shares summing to 1 a side. */
export function expectDistributions(f: FeatureResult, as: 'bins' | 'categories'): void {
  if (as === 'bins') expect([f.binEdges.length, f.categories]).toEqual([31, []]);
  else expect([f.binEdges, f.categories.length > 0]).toEqual([[], true]);
  const cells = as === 'bins' ? f.binEdges.length - 1 : f.categories.length;
  expect([f.referenceShares.length, f.currentShares.length]).toEqual([cells, cells]);
  expect(sum(f.referenceShares)).toBeCloseTo(1, 9);
  expect(sum(f.currentShares)).toBeCloseTo(1, 9);
}

/** Where a binned distribution's mass sits: the shares' weighted mean of the bin centres. */
export function binnedMean(f: FeatureResult, side: 'referenceShares' | 'currentShares'): number {
  return sum(f[side].map((share, i) => (share * (f.binEdges[i] + f.binEdges[i + 1])) / 2));
}

/** A feature as the history and the alerts give it: without distributions. */
export function withoutDistributions<F extends FeatureResult | undefined>(f: F): F {
  return f && { ...f, binEdges: [], categories: [], referenceShares: [], currentShares: [] };
}

export function reportWithoutDistributions<R extends DriftReportMessage>(r: R): R {
  return { ...r, features: r.features.map(withoutDistributions), prediction: withoutDistributions(r.prediction) };
}

/** Each value at most the one before it (newest first). */
export function expectNonIncreasing(values: number[]): void {
  expect(values).toEqual([...values].sort((a, b) => b - a));
}

/** Every page of ListAlerts at `limit`, following next_page_token (at most 20 pages). */
export async function alertPages(list: (request: object) => Promise<{ alerts: { alertId: string }[]; nextPageToken: string }>, request: object, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let pageToken = '';
  do {
    const page = await list({ ...request, limit, pageToken });
    pages.push(page.alerts.map((a) => a.alertId));
    pageToken = page.nextPageToken;
  } while (pageToken && pages.length < 20);
  return pages;
}

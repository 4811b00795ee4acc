import { type FeatureDrift, type PredictionTask, type Sample, categoricalSample, datasetDrift, featureDrift, numericSample } from '@mlops/ml';
import { type FeatureDistribution, featureDistribution } from './distribution';
import type { RowWindow } from './window';

/** The training data of the production version, as the drift tests need it. */
export interface Reference {
  modelName: string;
  version: number;
  snapshotId: string;
  rows: number;
  /** Per feature the model takes, its reference sample. */
  features: Map<string, Sample>;
  /** The production model's predictions on the reference rows (undefined when it could not be run). */
  predictions?: Sample;
  task: PredictionTask;
  /** The version's test metrics (the baseline of its live performance). */
  metrics: Record<string, number>;
  /** Classifiers: the classes the production model predicts on its training data, ascending. */
  classes: number[];
}

export interface DriftEvaluation {
  features: FeatureDrift[];
  prediction?: FeatureDrift;
  /** What each test compared: `features[i]`'s distributions, and the prediction's. */
  distributions: { features: FeatureDistribution[]; prediction?: FeatureDistribution };
  driftedShare: number;
  datasetDrift: boolean;
  windowRows: number;
  windowFromMs: number;
  windowToMs: number;
}

/** Every feature of the window against the reference, with the tests Evidently would choose;
 * the dataset drifted when at least `driftShare` of them did. Prediction drift is reported beside. */
export function evaluateWindow(reference: Reference, window: RowWindow, driftShare: number): DriftEvaluation {
  const features: Judged[] = [];
  for (const [name, sample] of reference.features) {
    const current = window.column(name);
    if (current.length === 0) continue;
    features.push(judge(name, sample, sample.kind === 'numeric' ? numericSample(current) : categoricalSample(current)));
  }
  const predictions = window.predictions();
  const prediction =
    reference.predictions && predictions.length > 0
      ? judge('prediction', reference.predictions, reference.task === 'classification' ? categoricalSample(predictions) : numericSample(predictions))
      : undefined;
  const { drifted, driftedShare } = datasetDrift(features.map((f) => f.drift), driftShare);
  const { fromMs, toMs } = window.span();
  return {
    features: features.map((f) => f.drift),
    prediction: prediction?.drift,
    distributions: { features: features.map((f) => f.distribution), prediction: prediction?.distribution },
    driftedShare,
    datasetDrift: drifted,
    windowRows: window.size,
    windowFromMs: fromMs,
    windowToMs: toMs,
  };
}

type Judged = { drift: FeatureDrift; distribution: FeatureDistribution };

function judge(name: string, reference: Sample, current: Sample): Judged {
  const drift = featureDrift(name, reference, current);
  return { drift, distribution: featureDistribution(drift.test, reference, current) };
}

import { type JobSpec, candidates, gateDecision, specProblems, trialCount } from './job-spec';
import { TrainingDataError, toTrainingData } from './training-data';

const base: JobSpec = {
  modelName: 'churn', featureView: 'users', featureViewVersion: 0, snapshotId: '', datasetVersion: 0, cutDatasetVersion: true, fromTimeMs: 0, toTimeMs: 0,
  algorithm: 'gradient_boosted_trees', problem: 'classification', hyperparameters: { max_iterations: 50 }, grid: {}, ranges: {}, trials: 0,
  validationFraction: 0.15, testFraction: 0.15, seed: 7, gateMetric: 'accuracy', gateMaxDegradation: 0, experiment: '', trigger: 'user', refit: true, threads: 1,
};

describe('job spec', () => {
  it('expands a grid into its cartesian product, keeping fixed hyperparameters', () => {
    expect(candidates({ ...base, grid: { learning_rate: [0.05, 0.1], max_leaf_nodes: [15, 31] } })).toEqual([
      { max_iterations: 50, learning_rate: 0.05, max_leaf_nodes: 15 },
      { max_iterations: 50, learning_rate: 0.05, max_leaf_nodes: 31 },
      { max_iterations: 50, learning_rate: 0.1, max_leaf_nodes: 15 },
      { max_iterations: 50, learning_rate: 0.1, max_leaf_nodes: 31 },
    ]);
  });

  it('counts a search before building it, and refuses one over 200 trials with its count', () => {
    // 7 keys of 100 values: 10^14 sets, which building first would never finish.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const huge = { ...base, grid: Object.fromEntries(['learning_rate', 'max_iterations', 'max_leaf_nodes', 'min_samples_leaf', 'l2_regularization', 'max_depth', 'early_stopping_rounds'].map((k) => [k, values])) };
    expect(trialCount(huge)).toBe(1e14);
    expect(specProblems(huge)).toContain('the search has 100,000,000,000,000 trials, more than 200');
    expect(() => candidates(huge)).toThrow('more than 200');
    const random = { ...base, ranges: { learning_rate: { min: 0.01, max: 1, logScale: true, integer: false } }, trials: 1_000_000_000 };
    expect(specProblems(random)).toContain('the search has 1,000,000,000 trials, more than 200');
    expect(trialCount({ ...base, grid: { learning_rate: [0.1, 0.2] }, ranges: {} })).toBe(2);
    expect(specProblems({ ...base, grid: { learning_rate: Array.from({ length: 200 }, (_, i) => i / 1000) } })).toEqual([]);
  });

  it('samples random searches reproducibly within their ranges', () => {
    const spec = { ...base, ranges: { learning_rate: { min: 0.01, max: 1, logScale: true, integer: false }, max_leaf_nodes: { min: 4, max: 64, logScale: false, integer: true } }, trials: 20 };
    const a = candidates(spec);
    expect(a).toEqual(candidates(spec));
    expect(a).toHaveLength(20);
    for (const c of a) {
      expect(c.learning_rate).toBeGreaterThanOrEqual(0.01);
      expect(c.learning_rate).toBeLessThanOrEqual(1);
      expect(Number.isInteger(c.max_leaf_nodes)).toBe(true);
    }
    expect(candidates({ ...spec, seed: 8 })).not.toEqual(a);
  });

  it('names every problem of a bad request', () => {
    expect(specProblems({ ...base, algorithm: 'linear_regression', hyperparameters: { C: 1 }, gateMetric: 'auc', featureView: '' })).toEqual([
      'name a feature_view (or an existing snapshot_id) to train on',
      'linear regression is a regressor',
      'unknown hyperparameter "C" for linear_regression (known: alpha)',
      'gate metric "auc" is not one of accuracy, f1, roc_auc, log_loss',
    ]);
    expect(specProblems({ ...base, threads: 65 })).toEqual(['threads must be between 1 and 64 (0 for 1), got 65']);
    expect(specProblems({ ...base, threads: 2 })).toEqual([]);
  });

  it('gates on the production model in the metric direction', () => {
    expect(gateDecision('accuracy', 0.9, undefined, 0).passed).toBe(true);
    expect(gateDecision('accuracy', 0.9, 0.91, 0.02)).toEqual({ passed: true, reason: 'accuracy 0.9000 vs production 0.9100 (allowed down to 0.8900)' });
    expect(gateDecision('accuracy', 0.88, 0.91, 0.02).passed).toBe(false);
    expect(gateDecision('rmse', 10.5, 10, 0.2).passed).toBe(false);
    expect(gateDecision('rmse', 9, 10, 0).passed).toBe(true);
  });
});

describe('toTrainingData', () => {
  const row = (values: (number | string | undefined)[], label?: number) => ({
    values: values.map((v) => (typeof v === 'string' ? { stringValue: v } : { numberValue: v })),
    label: label === undefined ? {} : { numberValue: label },
  });
  const rows = Array.from({ length: 12 }, (_, i) => row([i, i * 2], i % 2));

  it('keeps labelled rows and numbers only', () => {
    const data = toTrainingData(['a', 'b'], [...rows, row([1, 2])], false);
    expect(data.X.rows).toBe(12);
    expect(data.unlabelled).toBe(1);
    expect(data.y.slice(0, 3)).toEqual([0, 1, 0]);
  });

  it('refuses categorical features, missing values for linear models, and too few rows', () => {
    expect(() => toTrainingData(['a', 'b'], [...rows, row(['x', 1], 1)], false)).toThrow('feature "a" is categorical');
    expect(() => toTrainingData(['a', 'b'], [...rows, row([undefined, 1], 1)], false)).toThrow(TrainingDataError);
    expect(toTrainingData(['a', 'b'], [...rows, row([undefined, 1], 1)], true).X.data[24]).toBeNaN();
    expect(() => toTrainingData(['a', 'b'], rows.slice(0, 5), true)).toThrow('only 5 labelled rows');
  });
});
